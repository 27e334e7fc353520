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
        try await claim(table.tag, owner: owner, now: now, leaseMillis: leaseMillis, limit: limit)
    }

    private func claim<Table: LeaseTableTag>(
        _: Table.Type, owner: String, now: Int64, leaseMillis: Int64, limit: Int
    ) async throws -> [String] {
        let values: [DirectValue] = [.text(owner), .integer(now + leaseMillis), .integer(now), .integer(Int64(limit))]
        return try await store.hotWrite(ClaimDue<Table>.self, values) { row in
            (try row.required(row.text(0), table: Table.table.table), try row.required(row.integer(1), table: ""))
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
        try await release(table.tag, key: key, owner: owner, nextDue: nextDue)
    }

    private func release<Table: LeaseTableTag>(_: Table.Type, key: String, owner: String, nextDue: Int64?)
        async throws -> Bool
    {
        let values: [DirectValue] = [nextDue.map(DirectValue.integer) ?? .null, .text(key), .text(owner)]
        return try await !store.hotWrite(Release<Table>.self, values) { _ in () }.isEmpty
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

/// A lease table as a type, so that each table's hot statements are prepared under names of their own.
protocol LeaseTableTag: Sendable {
    static var table: LeaseTable { get }
}

enum OrderChecksTable: LeaseTableTag { static let table = LeaseTable.orderChecks }
enum DeliveriesTable: LeaseTableTag { static let table = LeaseTable.deliveries }
enum WebhooksTable: LeaseTableTag { static let table = LeaseTable.webhooks }
enum AlertEmailsTable: LeaseTableTag { static let table = LeaseTable.alertEmails }

extension LeaseTable {
    var tag: any LeaseTableTag.Type {
        switch self {
        case .orderChecks: OrderChecksTable.self
        case .deliveries: DeliveriesTable.self
        case .webhooks: WebhooksTable.self
        case .alertEmails: AlertEmailsTable.self
        }
    }
}

/// Leases the rows due first; on PostgreSQL skipping rows another process is leasing at the same moment.
private enum ClaimDue<Table: LeaseTableTag>: HotStatement {
    static var sql: String { text(lock: "") }
    static var postgresSQL: String { text(lock: " FOR UPDATE SKIP LOCKED") }

    static func text(lock: String) -> String {
        let (table, key, due) = Table.table.columns
        return """
            UPDATE \(table) SET lease_owner = $1, lease_until = $2 WHERE \(key) IN (
            SELECT \(key) FROM \(table) WHERE \(due) IS NOT NULL AND \(due) <= $3
            AND (lease_until IS NULL OR lease_until <= $3) ORDER BY \(due) LIMIT $4\(lock)
            ) RETURNING \(key) AS claimed_key, \(due) AS claimed_due
            """
    }
}

private enum Release<Table: LeaseTableTag>: HotStatement {
    static var sql: String {
        let (table, key, due) = Table.table.columns
        return """
            UPDATE \(table) SET lease_owner = NULL, lease_until = NULL, \(due) = $1
            WHERE \(key) = $2 AND lease_owner = $3 RETURNING \(key) AS released_key
            """
    }
}
