import Synchronization

/// Deliveries still leased to this process whose attempt failed before anything was sent (a database
/// error, for instance while another process held SQLite's write lock). The deliverer gives them back at
/// its next pass, retrying until the database takes the write, so such an error costs a retry rather
/// than the rest of the lease (120 s). An attempt that failed after the send keeps its lease: handing it
/// back at once would only send the message again sooner.
final class OrphanedClaims: Sendable {
    private let ids = Mutex<Set<String>>([])

    func add(_ id: String) {
        ids.withLock { _ = $0.insert(id) }
    }

    /// Calls `release` for each orphan; those it returns without throwing are forgotten.
    func releaseAll(_ release: (String) async throws -> Void) async {
        for id in ids.withLock({ Array($0) }) {
            guard (try? await release(id)) != nil else { continue }
            ids.withLock { _ = $0.remove(id) }
        }
    }
}
