/// A queue of work items: rows due at some time, each taken by one worker at a time through a lease.
public enum LeaseTable: String, Sendable, CaseIterable {
    /// Orders whose next upstream status check is due.
    case orderChecks
    /// Deliveries whose next attempt is due.
    case deliveries
    /// Webhook messages whose next attempt is due.
    case webhooks
    /// Alert emails whose next attempt is due.
    case alertEmails
}

/// Hands out due rows so that no row is held by two workers at once, across threads and processes.
///
/// A claim is one `UPDATE … RETURNING` over a sub-select of due, unleased rows. On PostgreSQL the
/// sub-select takes `FOR UPDATE SKIP LOCKED`, so concurrent claimers skip each other's rows instead of
/// waiting; on SQLite the single statement runs under the database's write lock, which gives the same
/// guarantee. A lease that its holder did not release (the process died) expires and the row becomes
/// claimable again, so nothing is lost on a crash.
/// Claiming due rows for one worker at a time (see ``SQLLeases``).
public protocol LeaseRepository: Sendable {
    /// Takes up to `limit` due, unclaimed rows for `owner` until `now + leaseMillis`; returns their keys, most overdue first.
    func claim(_ table: LeaseTable, owner: String, now: Int64, leaseMillis: Int64, limit: Int) async throws -> [String]
    /// Takes one row for `owner` now, whether or not it is due, unless another worker holds it or it
    /// is finished (no due time); returns whether it was taken.
    func claim(_ table: LeaseTable, key: String, owner: String, now: Int64, leaseMillis: Int64) async throws -> Bool
    /// The earliest time a row falls due or its lease ends; nil when nothing is scheduled.
    func nextDue(_ table: LeaseTable, now: Int64) async throws -> Int64?
    /// Gives a row back with its next due time; false when `owner` no longer held it.
    @discardableResult
    func release(_ table: LeaseTable, key: String, owner: String, nextDue: Int64?) async throws -> Bool
}
