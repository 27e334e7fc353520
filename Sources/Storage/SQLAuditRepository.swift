import Audit
import BitaqaCore
import SQLKit

/// The one implementation. Appends are serialised so the chain stays one line even with several
/// processes: on PostgreSQL by a transaction-level advisory lock, on SQLite by the write lock that
/// `BEGIN IMMEDIATE` took.
public struct SQLAuditRepository: AuditRepository {
    let store: Store

    public init(store: Store) {
        self.store = store
    }

    public func lockHead(in transaction: Transaction) async throws -> (sequence: Int64, hash: String)? {
        try await transaction.lock(.auditChain)
        return try await Self.head(transaction.sql)
    }

    /// 11 values a row; 200 rows keep a statement under SQLite's and PostgreSQL's limits on bound values.
    public func insert(_ rows: [AuditRow], in transaction: Transaction) async throws {
        var start = rows.startIndex
        while start < rows.endIndex {
            let chunk = rows[start..<min(start + 200, rows.endIndex)]
            try await transaction.sql.raw(Self.insertion(chunk)).run()
            start = chunk.endIndex
        }
    }

    public var canInsertAlone: Bool { store.kind == .sqlite }

    public func insertAlone(_ rows: [AuditRow]) async throws {
        precondition(rows.count <= 200, "one statement holds at most 200 rows")
        guard !rows.isEmpty else { return }
        try await store.write { sql in try await sql.raw(Self.insertion(rows[...])).run() }
    }

    private static func insertion(_ chunk: ArraySlice<AuditRow>) -> SQLQueryString {
        var query = SQLQueryString(
            "INSERT INTO audit_events (seq, at, kind, topup_id, actor, request_id, details, prev_hash, hash, mac, mac_key_id) VALUES "
        )
        for (index, row) in chunk.enumerated() {
            query =
                query + (index == 0 ? "" : ", ")
                    + """
                    (\(bind: row.sequence), \(bind: row.at), \(bind: row.kind), \(bind: row.topupId), \(bind: row.actor), \
                    \(bind: row.requestID), \(bind: row.details), \(bind: row.previousHash), \(bind: row.hash), \(bind: row.mac), \
                    \(bind: row.macKeyID))
                    """
        }
        return query
    }

    public func head() async throws -> (sequence: Int64, hash: String)? {
        try await Self.head(store.sql)
    }

    public func rows(after sequence: Int64, limit: Int, from: Int64?, to: Int64?, topupId: String?) async throws
        -> [AuditRow]
    {
        var query = SQLQueryString(
            """
            SELECT seq, at, kind, topup_id, actor, request_id, details, prev_hash, hash, mac, mac_key_id FROM audit_events
            WHERE seq > \(bind: sequence)
            """)
        if let from { query = query + " AND at >= \(bind: from)" }
        if let to { query = query + " AND at < \(bind: to)" }
        if let topupId { query = query + " AND topup_id = \(bind: topupId)" }
        query = query + " ORDER BY seq LIMIT \(bind: limit)"
        return try await store.sql.raw(query).all().map(Self.decode)
    }

    private static func head(_ sql: any SQLDatabase) async throws -> (sequence: Int64, hash: String)? {
        guard let row = try await sql.raw("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1").first() else {
            return nil
        }
        return (try row.decode(column: "seq", as: Int64.self), try row.decode(column: "hash", as: String.self))
    }

    private static func decode(_ row: any SQLRow) throws -> AuditRow {
        func optional(_ column: String) throws -> String? {
            try row.decodeNil(column: column) ? nil : row.decode(column: column, as: String.self)
        }
        return AuditRow(
            sequence: try row.decode(column: "seq", as: Int64.self),
            at: try row.decode(column: "at", as: Int64.self),
            kind: try row.decode(column: "kind", as: String.self),
            topupId: try optional("topup_id"),
            actor: try optional("actor"),
            requestID: try optional("request_id"),
            details: try row.decode(column: "details", as: String.self),
            previousHash: try row.decode(column: "prev_hash", as: String.self),
            hash: try row.decode(column: "hash", as: String.self),
            mac: try optional("mac"),
            macKeyID: try optional("mac_key_id")
        )
    }
}

extension AuditTrail {
    /// The trail stored in `store`, its new events authenticated with `keys` when given.
    public init(store: Store, keys: AuditKeys?) {
        self.init(repository: SQLAuditRepository(store: store), transactions: store, keys: keys)
    }
}
