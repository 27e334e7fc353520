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
        return try await store.hotRows(AuditHead.self, [], in: transaction, AuditHead.read).first
    }

    /// 11 values a row; 200 rows keep a statement under SQLite's and PostgreSQL's limits on bound values.
    /// On PostgreSQL the batch is one prepared statement whatever its size: the rows travel as one JSON
    /// array (``AuditInsertJSON``).
    public func insert(_ rows: [AuditRow], in transaction: Transaction) async throws {
        if store.kind == .postgres {
            guard !rows.isEmpty else { return }
            _ = try await store.hotRows(AuditInsertJSON.self, [.text(AuditInsertJSON.json(rows))], in: transaction) {
                _ in ()
            }
            return
        }
        var start = rows.startIndex
        while start < rows.endIndex {
            let chunk = rows[start..<min(start + 200, rows.endIndex)]
            try await transaction.sql.raw(Self.insertion(chunk)).run()
            start = chunk.endIndex
        }
    }

    public var canInsertAlone: Bool { true }

    /// The lock turn of PostgreSQL's one-statement append was not granted in time; the caller appends the
    /// usual way, which waits as long as it takes.
    struct LockNotTaken: Error {}

    public func insertAlone(_ rows: [AuditRow]) async throws {
        precondition(rows.count <= 200, "one statement holds at most 200 rows")
        guard !rows.isEmpty else { return }
        if store.kind == .postgres {
            // One statement, one round trip: it takes the chain's lock until it ends, then inserts; a row
            // whose sequence someone appended since fails it whole on the primary key.
            let values: [DirectValue] = [
                .integer(AdvisoryLock.auditChain.rawValue), .text("2000ms"), .text(AuditInsertJSON.json(rows)),
            ]
            let inserted = try await store.hotWrite(AuditInsertLocked.self, values) { _ in () }
            guard inserted.count == rows.count else { throw LockNotTaken() }
            return
        }
        // One transaction on the writer of Bitaqa's own, with one kept statement run per row: atomic
        // like one statement, and refused whole by the primary key if anyone appended since.
        let values = rows.map(AuditInsertRow.values)
        try await store.writeDirect { connection in
            try connection.run("BEGIN IMMEDIATE", [])
            do {
                for row in values { try connection.run(AuditInsertRow.sql, row) }
                try connection.run("COMMIT", [])
            } catch {
                _ = try? connection.run("ROLLBACK", [])
                throw error
            }
        }
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
        try await store.hotRows(AuditHead.self, [], AuditHead.read).first
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

private enum AuditHead: HotStatement {
    static let sql = "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1"

    static func read(_ row: any RowCells) throws -> (sequence: Int64, hash: String) {
        (try row.required(row.integer(0), table: "audit_events"), try row.required(row.text(1), table: "audit_events"))
    }
}

private enum AuditInsertRow: HotStatement {
    static let sql = """
        INSERT INTO audit_events (seq, at, kind, topup_id, actor, request_id, details, prev_hash, hash, mac, \
        mac_key_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
        """

    static func values(_ row: AuditRow) -> [DirectValue] {
        func text(_ value: String?) -> DirectValue { value.map(DirectValue.text) ?? .null }
        return [
            .integer(row.sequence), .integer(row.at), .text(row.kind), text(row.topupId), text(row.actor),
            text(row.requestID), .text(row.details), .text(row.previousHash), .text(row.hash), text(row.mac),
            text(row.macKeyID),
        ]
    }
}

/// PostgreSQL: a batch of audit rows as one JSON array, so that one prepared statement inserts any
/// number of them (a multi-row `VALUES` would be new text, parsed and planned anew, for each size).
enum AuditInsertJSON: HotStatement {
    static let sql = """
        INSERT INTO audit_events (seq, at, kind, topup_id, actor, request_id, details, prev_hash, hash, mac, mac_key_id)
        SELECT seq, at, kind, topup_id, actor, request_id, details, prev_hash, hash, mac, mac_key_id
        FROM jsonb_to_recordset($1::text::jsonb) AS r(seq BIGINT, at BIGINT, kind TEXT, topup_id TEXT, actor TEXT,
            request_id TEXT, details TEXT, prev_hash TEXT, hash TEXT, mac TEXT, mac_key_id TEXT)
        """

    static func json(_ rows: [AuditRow]) -> String {
        var json = "["
        for (index, row) in rows.enumerated() {
            if index > 0 { json += "," }
            json += "{\"seq\":\(row.sequence),\"at\":\(row.at),\"kind\":" + quoted(row.kind)
            json += ",\"topup_id\":" + quoted(row.topupId) + ",\"actor\":" + quoted(row.actor)
            json += ",\"request_id\":" + quoted(row.requestID) + ",\"details\":" + quoted(row.details)
            json += ",\"prev_hash\":" + quoted(row.previousHash) + ",\"hash\":" + quoted(row.hash)
            json += ",\"mac\":" + quoted(row.mac) + ",\"mac_key_id\":" + quoted(row.macKeyID) + "}"
        }
        return json + "]"
    }

    /// A JSON string, or `null`. Control characters are escaped; PostgreSQL's `jsonb` refuses the one
    /// character it cannot hold in text, NUL, which no audit field carries.
    static func quoted(_ value: String?) -> String {
        guard let value else { return "null" }
        var out = [UInt8]()
        out.reserveCapacity(value.utf8.count + 2)
        out.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                out.append(UInt8(ascii: "\\"))
                out.append(byte)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
        return String(decoding: out, as: UTF8.self)
    }
}

/// PostgreSQL: ``AuditInsertJSON`` behind a turn at the chain's advisory lock, in one statement, whose
/// implicit transaction holds the lock until the rows are in. Each row joins the lock's answer, so no
/// row is inserted before the lock is held, and none when the turn ended without it.
private enum AuditInsertLocked: HotStatement {
    static let sql = """
        WITH turn AS (SELECT bitaqa_lock_turn($1, $2) AS taken)
        INSERT INTO audit_events (seq, at, kind, topup_id, actor, request_id, details, prev_hash, hash, mac, mac_key_id)
        SELECT seq, at, kind, topup_id, actor, request_id, details, prev_hash, hash, mac, mac_key_id
        FROM turn, jsonb_to_recordset($3::text::jsonb) AS r(seq BIGINT, at BIGINT, kind TEXT, topup_id TEXT,
            actor TEXT, request_id TEXT, details TEXT, prev_hash TEXT, hash TEXT, mac TEXT, mac_key_id TEXT)
        WHERE turn.taken
        RETURNING seq
        """
}
