import Logging
import Synchronization

/// What the service has opened (the database pool, HTTP clients), closed in the reverse order of
/// opening, exactly once.
///
/// `buildApplication` registers each resource as soon as it exists, so a startup that fails halfway
/// closes what it opened; otherwise ``OwnedServices`` closes them after every service has stopped,
/// so nothing uses a pool that is already closed.
public final class Resources: Sendable {
    private struct Entry: Sendable {
        let name: String
        let close: @Sendable () async -> Void
    }

    private let entries = Mutex<[Entry]>([])

    public init() {}

    /// Registers `close` to run at shutdown, before everything registered earlier.
    public func own(_ name: String, close: @escaping @Sendable () async -> Void) {
        entries.withLock { $0.append(Entry(name: name, close: close)) }
    }

    /// Closes everything registered, newest first. A second call finds nothing left to close.
    public func closeAll(logger: Logger? = nil) async {
        let open = entries.withLock { entries in
            defer { entries.removeAll() }
            return entries
        }
        for entry in open.reversed() {
            logger?.debug("closing", metadata: ["resource": "\(entry.name)"])
            await entry.close()
        }
    }
}
