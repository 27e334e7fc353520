import Synchronization

/// SQLite connections of Bitaqa's own (``DirectConnection``) for one database file: readers handed to
/// whichever thread asks, and one writer used only inside the store's writer turn.
///
/// A caller holds a reader only for a synchronous call, never across a suspension, so no more readers
/// are ever open than threads that read at once; a reader is opened when none is idle.
final class DirectPool: Sendable {
    private let path: String
    private let idle = Mutex<[DirectConnection]>([])
    private let writer: Mutex<DirectConnection?>
    private let closed = Atomic<Bool>(false)

    init(path: String) throws {
        self.path = path
        writer = Mutex(try DirectConnection(path: path, role: .writer))
    }

    /// Runs `body` on an idle reader, on this thread. In WAL mode a read sees the last commit and never
    /// waits for the writer.
    func read<T>(_ body: (DirectConnection) throws -> T) throws -> T {
        guard !closed.load(ordering: .acquiring) else { throw StorageError.closed }
        let connection = try idle.withLock { $0.popLast() } ?? DirectConnection(path: path, role: .reader)
        defer {
            if !closed.load(ordering: .acquiring) { idle.withLock { $0.append(connection) } }
        }
        return try body(connection)
    }

    /// Runs `body` on the writer, on this thread. Only the store calls this, inside its writer turn, so
    /// the writer is never contended within the process.
    func write<T>(_ body: (DirectConnection) throws -> T) throws -> T {
        try writer.withLock { writer in
            guard let writer else { throw StorageError.closed }
            return try body(writer)
        }
    }

    /// Closes every connection; a reader in use closes when its caller is done with it.
    func close() {
        closed.store(true, ordering: .releasing)
        idle.withLock { $0.removeAll() }
        writer.withLock { $0 = nil }
    }
}
