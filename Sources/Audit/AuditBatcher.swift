import Storage

/// Group commit for the audit trail: events that arrive while a write is in flight are appended
/// together, in arrival order, in the next transaction. The chain is the same as with one transaction
/// per event; every caller still returns only after its own event is committed, and learns of a
/// failure of the transaction that held it. Under concurrent card views this turns one serialised
/// transaction per view into one per batch.
public actor AuditBatcher {
    let trail: AuditTrail
    let maxBatch: Int
    private var pending: [(event: AuditEvent, now: Int64, done: CheckedContinuation<Void, any Error>)] = []
    private var writing = false

    public init(trail: AuditTrail, maxBatch: Int = 256) {
        self.trail = trail
        self.maxBatch = maxBatch
    }

    /// Appends `event` and returns once it is committed.
    public func append(_ event: AuditEvent, now: Int64) async throws {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            pending.append((event, now, done))
            if !writing {
                writing = true
                Task { await self.drain() }
            }
        }
    }

    private func drain() async {
        while !pending.isEmpty {
            let batch = Array(pending.prefix(maxBatch))
            pending.removeFirst(batch.count)
            do {
                try await trail.store.transaction { [trail] sql in
                    for item in batch { try await trail.append(item.event, now: item.now, in: sql) }
                }
                for item in batch { item.done.resume() }
            } catch {
                for item in batch { item.done.resume(throwing: error) }
            }
        }
        writing = false
    }
}
