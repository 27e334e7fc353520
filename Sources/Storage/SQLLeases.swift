import BitaqaCore
import Orders
import SQLKit

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

extension LeaseTable {
    /// The table, its key column and its due-time column.
    var columns: (table: String, key: String, due: String) {
        switch self {
        case .orderChecks: ("orders", "topup_id", "next_check_at")
        case .deliveries: ("deliveries", "id", "next_attempt_at")
        case .webhooks: ("webhook_messages", "id", "next_attempt_at")
        case .alertEmails: ("alert_emails", "id", "next_attempt_at")
        }
    }
    var table: String { columns.table }
    var key: String { columns.key }
    var due: String { columns.due }
}
