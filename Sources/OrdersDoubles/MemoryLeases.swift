import Orders

/// Claims in memory, with the rules of Storage's `SQLLeases`: a row is claimable when it has a due time
/// that has come and nobody holds it, or their lease has run out; a claim is one atomic write, so no row
/// is ever held by two owners; a release names its owner and does nothing for anyone else.
public struct MemoryLeases: LeaseRepository {
    let database: MemoryDatabase

    public init(database: MemoryDatabase) {
        self.database = database
    }

    public func claim(_ table: LeaseTable, owner: String, now: Int64, leaseMillis: Int64, limit: Int) async throws
        -> [String]
    {
        try await database.write { tables in
            let due = tables.leased(table)
                .compactMap { row in row.due.map { (key: row.key, due: $0, lease: row.lease) } }
                .filter { $0.due <= now && $0.lease.isFree(at: now) }
                .sorted { ($0.due, $0.key) < ($1.due, $1.key) }
                .prefix(max(0, limit))
            for row in due {
                tables.changeLeased(table, key: row.key) { _, lease in
                    lease = Lease(owner: owner, until: now + leaseMillis)
                    return true
                }
            }
            return due.map(\.key)
        }
    }

    public func claim(_ table: LeaseTable, key: String, owner: String, now: Int64, leaseMillis: Int64) async throws
        -> Bool
    {
        try await database.write { tables in
            tables.changeLeased(table, key: key) { due, lease in
                guard due != nil, lease.isFree(at: now) else { return false }
                lease = Lease(owner: owner, until: now + leaseMillis)
                return true
            }
        }
    }

    public func nextDue(_ table: LeaseTable, now: Int64) async throws -> Int64? {
        try database.read { tables in
            tables.leased(table).compactMap { row -> Int64? in
                guard let due = row.due else { return nil }
                if let until = row.lease.until, until > now, until > due { return until }
                return due
            }.min()
        }
    }

    @discardableResult
    public func release(_ table: LeaseTable, key: String, owner: String, nextDue: Int64?) async throws -> Bool {
        try await database.write { tables in
            tables.changeLeased(table, key: key) { due, lease in
                guard lease.owner == owner else { return false }
                lease = Lease()
                due = nextDue
                return true
            }
        }
    }
}

extension MemoryTables {
    /// Every row of `table`: its key, due time and lease.
    func leased(_ table: LeaseTable) -> [(key: String, due: Int64?, lease: Lease)] {
        switch table {
        case .orderChecks: Self.leased(orders)
        case .deliveries: Self.leased(deliveries)
        case .webhooks: Self.leased(webhookMessages)
        case .alertEmails: Self.leased(alertEmails)
        }
    }

    /// Changes the due time and lease of one row of `table` when `body` returns true; returns whether it
    /// did (false too when there is no such row).
    @discardableResult
    mutating func changeLeased(
        _ table: LeaseTable, key: String, _ body: (inout Int64?, inout Lease) -> Bool
    ) -> Bool {
        switch table {
        case .orderChecks: Self.change(&orders, key, body)
        case .deliveries: Self.change(&deliveries, key, body)
        case .webhooks: Self.change(&webhookMessages, key, body)
        case .alertEmails: Self.change(&alertEmails, key, body)
        }
    }

    /// Ends every lease `owner` holds, on every table; the rows keep their due times. Returns how many.
    mutating func releaseAll(of owner: String) -> Int {
        var released = 0
        for table in LeaseTable.allCases {
            for row in leased(table) where row.lease.owner == owner {
                changeLeased(table, key: row.key) { _, lease in
                    lease = Lease()
                    return true
                }
                released += 1
            }
        }
        return released
    }

    private static func leased<Row: LeasedRow>(_ rows: [String: Row]) -> [(key: String, due: Int64?, lease: Lease)] {
        rows.map { (key: $0.key, due: $0.value.due, lease: $0.value.lease) }
    }

    private static func change<Row: LeasedRow>(
        _ rows: inout [String: Row], _ key: String, _ body: (inout Int64?, inout Lease) -> Bool
    ) -> Bool {
        guard var row = rows[key] else { return false }
        var due = row.due
        var lease = row.lease
        guard body(&due, &lease) else { return false }
        row.due = due
        row.lease = lease
        rows[key] = row
        return true
    }
}
