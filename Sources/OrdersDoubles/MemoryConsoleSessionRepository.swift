import BitaqaCore
import Orders

/// Console sessions in memory, as Storage keeps them: by the hash of their id, live until they end or
/// expire.
public struct MemoryConsoleSessionRepository: ConsoleSessionRepository {
    let database: MemoryDatabase

    public init(database: MemoryDatabase) {
        self.database = database
    }

    public func create(_ session: ConsoleSessionRecord) async throws {
        try await database.write { tables in
            guard tables.consoleSessions[session.idHash] == nil else {
                throw MemoryDatabaseError.duplicateKey(table: "console_sessions", key: session.idHash)
            }
            tables.consoleSessions[session.idHash] = ConsoleSessionRow(record: session)
        }
    }

    public func live(_ idHash: String, now: Int64) async throws -> ConsoleSessionRecord? {
        try database.read { tables in
            guard let row = tables.consoleSessions[idHash], row.endedAt == nil, row.record.expiresAt > now else {
                return nil
            }
            return row.record
        }
    }

    public func end(_ idHash: String, now: Int64) async throws {
        try await database.write { tables in
            guard tables.consoleSessions[idHash]?.endedAt == nil else { return }
            tables.consoleSessions[idHash]?.endedAt = now
        }
    }

    public func end(member: String, now: Int64, in transaction: Transaction) async throws {
        try database.write(in: transaction) { tables in
            for (idHash, row) in tables.consoleSessions where row.record.member == member && row.endedAt == nil {
                tables.consoleSessions[idHash]?.endedAt = now
            }
        }
    }
}
