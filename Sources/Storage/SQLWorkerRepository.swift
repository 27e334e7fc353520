import BitaqaCore
import Orders
import SQLKit

public struct SQLWorkers: WorkerRepository {
    let store: Store
    /// Every table whose rows are claimed with a lease.
    static let leased: [LeaseTable] = [.orderChecks, .deliveries, .webhooks, .alertEmails]

    public init(store: Store) {
        self.store = store
    }

    /// One statement in the usual case; the insert only follows a missing row, and only this worker
    /// writes its own id, so the two cannot race.
    public func beat(_ id: String, now: Int64) async throws -> Bool {
        let updated = try await store.write { sql in
            try await sql.raw("UPDATE workers SET heartbeat_at = \(bind: now) WHERE id = \(bind: id) RETURNING id")
                .all()
        }
        guard updated.isEmpty else { return true }
        try await store.write { sql in
            try await sql.raw(
                "INSERT INTO workers (id, started_at, heartbeat_at) VALUES (\(bind: id), \(bind: now), \(bind: now))"
            ).run()
        }
        return false
    }

    /// Reads first, outside any transaction: every process calls this every heartbeat, and almost always
    /// nobody is stale, so the write lock is taken only when there is work to take back.
    public func reapStale(before staleBefore: Int64, except: String) async throws -> [String: Int] {
        guard try await !Self.stale(before: staleBefore, except: except, store.sql).isEmpty else { return [:] }
        return try await store.transaction { transaction in
            if transaction.kind == .postgres {
                // Rows a frozen worker still locks: give up after a while, and try again at the next beat.
                _ = try await transaction.sql.raw("SET LOCAL lock_timeout = '2s'").run()
            }
            let stale = try await Self.stale(before: staleBefore, except: except, transaction.sql)
            var released: [String: Int] = [:]
            for id in stale {
                released[id] = try await Self.release(id, in: transaction)
                try await transaction.sql.raw("DELETE FROM workers WHERE id = \(bind: id)").run()
            }
            return released
        }
    }

    public func retire(_ id: String) async throws -> Int {
        try await store.transaction { transaction in
            let released = try await Self.release(id, in: transaction)
            try await transaction.sql.raw("DELETE FROM workers WHERE id = \(bind: id)").run()
            return released
        }
    }

    public func live(since: Int64) async throws -> Int {
        try await store.sql.raw("SELECT COUNT(*) AS n FROM workers WHERE heartbeat_at >= \(bind: since)").first()?
            .decode(column: "n", as: Int.self) ?? 0
    }

    /// Hot (``HotStatement``): every worker asks this before each finish.
    public func holds(_ table: LeaseTable, key: String, owner: String) async throws -> Bool {
        try await holds(table.tag, key: key, owner: owner)
    }

    private func holds<Table: LeaseTableTag>(_: Table.Type, key: String, owner: String) async throws -> Bool {
        try await !store.hotRows(Holds<Table>.self, [.text(key), .text(owner)]) { _ in () }.isEmpty
    }

    private static func stale(before staleBefore: Int64, except: String, _ sql: any SQLDatabase) async throws
        -> [String]
    {
        try await sql.raw("SELECT id FROM workers WHERE heartbeat_at < \(bind: staleBefore) AND id <> \(bind: except)")
            .all().map { try $0.decode(column: "id", as: String.self) }
    }

    /// Ends `owner`'s leases everywhere; the rows keep their due times, so they are claimable at once.
    private static func release(_ owner: String, in transaction: Transaction) async throws -> Int {
        var count = 0
        for table in leased {
            count += try await transaction.sql.raw(
                SQLQueryString("UPDATE \(unsafeRaw: table.table) SET lease_owner = NULL, lease_until = NULL ")
                    + "WHERE lease_owner = \(bind: owner) RETURNING \(unsafeRaw: table.key) AS released_key"
            ).all().count
        }
        return count
    }
}

private enum Holds<Table: LeaseTableTag>: HotStatement {
    static var sql: String {
        "SELECT 1 AS held FROM \(Table.table.table) WHERE \(Table.table.key) = $1 AND lease_owner = $2"
    }
}
