import SQLKit

/// A table whose rows are work items: due at some time, and taken by one worker at a time through a lease.
public struct LeaseTable: Sendable {
    let table: String
    let key: String
    let due: String

    /// Orders whose next upstream status check is due.
    public static let orderChecks = LeaseTable(table: "orders", key: "topup_id", due: "next_check_at")
    /// Deliveries whose next attempt is due.
    public static let deliveries = LeaseTable(table: "deliveries", key: "id", due: "next_attempt_at")
    /// Webhook messages whose next attempt is due.
    public static let webhooks = LeaseTable(table: "webhook_messages", key: "id", due: "next_attempt_at")
    /// Alert emails whose next attempt is due.
    public static let alertEmails = LeaseTable(table: "alert_emails", key: "id", due: "next_attempt_at")
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

public struct SQLLeases: LeaseRepository {
    let store: Store

    public init(store: Store) {
        self.store = store
    }

    /// Leases up to `limit` rows due at `now` to `owner` until `now + leaseMillis`; returns their keys,
    /// earliest due first.
    public func claim(
        _ table: LeaseTable,
        owner: String,
        now: Int64,
        leaseMillis: Int64,
        limit: Int
    ) async throws -> [String] {
        let lock = store.kind == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        let query =
            SQLQueryString("UPDATE \(unsafeRaw: table.table) SET lease_owner = \(bind: owner), ")
            + "lease_until = \(bind: now + leaseMillis) WHERE \(unsafeRaw: table.key) IN ("
            + "SELECT \(unsafeRaw: table.key) FROM \(unsafeRaw: table.table) "
            + "WHERE \(unsafeRaw: table.due) IS NOT NULL AND \(unsafeRaw: table.due) <= \(bind: now) "
            + "AND (lease_until IS NULL OR lease_until <= \(bind: now)) "
            + "ORDER BY \(unsafeRaw: table.due) LIMIT \(bind: limit)\(unsafeRaw: lock)"
            + ") RETURNING \(unsafeRaw: table.key) AS claimed_key, \(unsafeRaw: table.due) AS claimed_due"
        let rows = try await store.sql.raw(query).all()
        return
            try rows
            .map {
                (
                    try $0.decode(column: "claimed_key", as: String.self),
                    try $0.decode(column: "claimed_due", as: Int64.self)
                )
            }
            .sorted { $0.1 < $1.1 }
            .map(\.0)
    }

    /// When the next row becomes claimable: its due time, or the end of the lease someone else holds on
    /// it. Nil when no row is due ever again. Lets a worker rest exactly until there is work.
    public func claim(_ table: LeaseTable, key: String, owner: String, now: Int64, leaseMillis: Int64) async throws
        -> Bool
    {
        let rows = try await store.sql.raw(
            SQLQueryString("UPDATE \(unsafeRaw: table.table) SET lease_owner = \(bind: owner), ")
                + "lease_until = \(bind: now + leaseMillis) WHERE \(unsafeRaw: table.key) = \(bind: key) "
                + "AND \(unsafeRaw: table.due) IS NOT NULL AND (lease_until IS NULL OR lease_until <= \(bind: now)) "
                + "RETURNING \(unsafeRaw: table.key) AS claimed_key"
        ).all()
        return !rows.isEmpty
    }

    public func nextDue(_ table: LeaseTable, now: Int64) async throws -> Int64? {
        let row = try await store.sql.raw(
            SQLQueryString("SELECT MIN(CASE WHEN lease_until IS NOT NULL AND lease_until > \(bind: now) ")
                + "AND lease_until > \(unsafeRaw: table.due) THEN lease_until ELSE \(unsafeRaw: table.due) END) AS next_due "
                + "FROM \(unsafeRaw: table.table) WHERE \(unsafeRaw: table.due) IS NOT NULL"
        ).first()
        guard let row, try !row.decodeNil(column: "next_due") else { return nil }
        return try row.decode(column: "next_due", as: Int64.self)
    }

    /// Ends `owner`'s lease on `key` and sets when the row is next due (nil: never again).
    /// Returns false when the lease had already passed to someone else, whose work then wins.
    public func release(_ table: LeaseTable, key: String, owner: String, nextDue: Int64?) async throws -> Bool {
        let rows = try await store.sql.raw(
            SQLQueryString("UPDATE \(unsafeRaw: table.table) SET lease_owner = NULL, lease_until = NULL, ")
                + "\(unsafeRaw: table.due) = \(bind: nextDue) "
                + "WHERE \(unsafeRaw: table.key) = \(bind: key) AND lease_owner = \(bind: owner) "
                + "RETURNING \(unsafeRaw: table.key) AS released_key"
        ).all()
        return !rows.isEmpty
    }
}
