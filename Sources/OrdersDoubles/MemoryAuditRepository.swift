import Audit
import BitaqaCore

/// The audit trail's rows in memory, append-only as the SQL table is (no method changes or removes a
/// row), kept in sequence order with the sequence unique, like Storage's `SQLAuditRepository`.
///
/// Like the SQL table, it stores what it is given and leaves the chain to ``AuditTrail``: the hashes and
/// links are checked by ``AuditVerifier``, not refused here. A row whose sequence is taken is refused,
/// which is what stops two appenders that read the same head from forking the chain.
public struct MemoryAuditRepository: AuditRepository {
    let database: MemoryDatabase

    public init(database: MemoryDatabase) {
        self.database = database
    }

    /// The head as the transaction sees it; transactions already run one at a time, which is the lock.
    public func lockHead(in transaction: Transaction) async throws -> (sequence: Int64, hash: String)? {
        try database.read(in: transaction) { Self.head(of: $0) }.map { ($0.sequence, $0.hash) }
    }

    public func insert(_ rows: [AuditRow], in transaction: Transaction) async throws {
        try database.write(in: transaction) { tables in try Self.append(rows, to: &tables) }
    }

    /// All or none, in a write of its own.
    public func insertAlone(_ rows: [AuditRow]) async throws {
        precondition(rows.count <= 200, "one statement holds at most 200 rows")
        guard !rows.isEmpty else { return }
        try await database.write { tables in try Self.append(rows, to: &tables) }
    }

    /// True, as on SQLite: one writer at a time, so a write of its own never lands inside a transaction.
    public var canInsertAlone: Bool { true }

    public func head() async throws -> (sequence: Int64, hash: String)? {
        try database.read { Self.head(of: $0) }.map { ($0.sequence, $0.hash) }
    }

    public func rows(after sequence: Int64, limit: Int, from: Int64?, to: Int64?, topupId: String?) async throws
        -> [AuditRow]
    {
        try database.read { tables in
            var found: [AuditRow] = []
            for row in tables.auditEvents where row.sequence > sequence {
                guard found.count < limit else { break }
                if let from, row.at < from { continue }
                if let to, row.at >= to { continue }
                if let topupId, row.topupId != topupId { continue }
                found.append(row)
            }
            return found
        }
    }

    private struct Head: Sendable {
        let sequence: Int64
        let hash: String
    }

    private static func head(of tables: MemoryTables) -> Head? {
        tables.auditEvents.last.map { Head(sequence: $0.sequence, hash: $0.hash) }
    }

    /// Adds rows at their places in sequence order; throws, adding none, when a sequence is taken.
    private static func append(_ rows: [AuditRow], to tables: inout MemoryTables) throws {
        var events = tables.auditEvents
        var taken = Set(events.map(\.sequence))
        for row in rows {
            guard taken.insert(row.sequence).inserted else {
                throw MemoryDatabaseError.duplicateKey(table: "audit_events", key: String(row.sequence))
            }
            if let last = events.last, last.sequence > row.sequence {
                events.insert(row, at: events.firstIndex { $0.sequence > row.sequence } ?? events.endIndex)
            } else {
                events.append(row)
            }
        }
        tables.auditEvents = events
    }
}
