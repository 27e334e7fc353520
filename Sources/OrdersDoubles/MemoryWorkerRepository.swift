import Orders

/// Worker heartbeats in memory, with the rules of Storage's `SQLWorkers`: a worker whose heartbeat is
/// stale loses every claim it holds on every leased table, at once, and its row.
public struct MemoryWorkerRepository: WorkerRepository {
    let database: MemoryDatabase

    public init(database: MemoryDatabase) {
        self.database = database
    }

    public func beat(_ id: String, now: Int64) async throws -> Bool {
        try await database.write { tables in
            if tables.workers[id] != nil {
                tables.workers[id]?.heartbeatAt = now
                return true
            }
            tables.workers[id] = WorkerRow(startedAt: now, heartbeatAt: now)
            return false
        }
    }

    public func reapStale(before staleBefore: Int64, except: String) async throws -> [String: Int] {
        try await database.write { tables in
            let stale = tables.workers.filter { $0.value.heartbeatAt < staleBefore && $0.key != except }.keys
            var released: [String: Int] = [:]
            for id in stale {
                released[id] = tables.releaseAll(of: id)
                tables.workers[id] = nil
            }
            return released
        }
    }

    @discardableResult
    public func retire(_ id: String) async throws -> Int {
        try await database.write { tables in
            defer { tables.workers[id] = nil }
            return tables.releaseAll(of: id)
        }
    }

    public func live(since: Int64) async throws -> Int {
        try database.read { tables in tables.workers.values.count { $0.heartbeatAt >= since } }
    }

    public func holds(_ table: LeaseTable, key: String, owner: String) async throws -> Bool {
        try database.read { tables in tables.leased(table).contains { $0.key == key && $0.lease.owner == owner } }
    }
}
