import Synchronization

/// Lets one write transaction of this process at a time at SQLite's write lock, in arrival order.
///
/// SQLite has one writer per file. Without this queue, two of our own connections asking for the
/// write lock together meet SQLite's busy handler, which sleeps (1 ms, 2 ms, 5 ms, …) and retries; a
/// queue hands the lock on as soon as the previous transaction ends. Other processes on the same file
/// still meet the busy handler, as before.
final class WriterQueue: Sendable {
    private struct State {
        var busy = false
        var waiting: [CheckedContinuation<Void, Never>] = []
        var head = 0
    }

    private let state = Mutex(State())

    /// Thrown for a transaction started inside another one of this process: with one writer, it could
    /// only wait for itself.
    struct Nested: Error {}

    @TaskLocal private static var holding = false

    func withTurn<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        if Self.holding { throw Nested() }
        await acquire()
        defer { release() }
        return try await Self.$holding.withValue(true) { try await body() }
    }

    private func acquire() async {
        await withCheckedContinuation { (turn: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state in
                guard state.busy else {
                    state.busy = true
                    return true
                }
                state.waiting.append(turn)
                return false
            }
            if now { turn.resume() }
        }
    }

    private func release() {
        let next: CheckedContinuation<Void, Never>? = state.withLock { state in
            guard state.head < state.waiting.count else {
                state.busy = false
                state.waiting.removeAll(keepingCapacity: true)
                state.head = 0
                return nil
            }
            let next = state.waiting[state.head]
            state.head += 1
            if state.head >= 1_024 {
                state.waiting.removeFirst(state.head)
                state.head = 0
            }
            return next
        }
        next?.resume()
    }
}
