import BitaqaCore
import Crypto
import Foundation
import SQLKit
import Storage

/// The append-only, hash-chained audit trail.
///
/// Each event's hash is `SHA-256(previous hash ‖ canonical encoding of the event)`; the first event's
/// previous hash is ``genesis``. Appends are serialised so the chain stays one line even with several
/// processes: on PostgreSQL by a transaction-level advisory lock, on SQLite by `BEGIN IMMEDIATE`.
public struct AuditTrail: Sendable {
    public static let genesis = String(repeating: "0", count: 64)
    let store: Store

    public init(store: Store) {
        self.store = store
    }

    /// Appends in a transaction of its own.
    @discardableResult
    public func append(_ event: AuditEvent, now: Int64) async throws -> AuditRecord {
        try await store.transaction { sql in try await self.append(event, now: now, in: sql) }
    }

    /// Appends inside the caller's transaction, so the event commits or rolls back with the change it records.
    @discardableResult
    public func append(_ event: AuditEvent, now: Int64, in sql: any SQLDatabase) async throws -> AuditRecord {
        if store.kind == .postgres {
            // A fixed number that names "the audit chain" among advisory locks.
            _ = try await sql.raw("SELECT pg_advisory_xact_lock(80121702) AS locked").all()
        }
        let last = try await sql.raw("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1").first()
        let sequence = try (last?.decode(column: "seq", as: Int64.self) ?? 0) + 1
        let previous = try last?.decode(column: "hash", as: String.self) ?? Self.genesis
        let details = Self.canonicalDetails(event.details)
        let hash = Self.hash(previous: previous, sequence: sequence, at: now, event: event, details: details)
        try await sql.raw("""
            INSERT INTO audit_events (seq, at, kind, topup_id, actor, request_id, details, prev_hash, hash)
            VALUES (\(bind: sequence), \(bind: now), \(bind: event.kind.rawValue), \(bind: event.topupId?.rawValue),
                \(bind: event.actor), \(bind: event.requestID), \(bind: details), \(bind: previous), \(bind: hash))
            """).run()
        return AuditRecord(sequence: sequence, at: now, event: event, previousHash: previous, hash: hash)
    }

    /// The events of one order, oldest first.
    public func events(of topupId: TopupID) async throws -> [AuditRecord] {
        try await store.sql.raw("""
            SELECT seq, at, kind, topup_id, actor, request_id, details, prev_hash, hash FROM audit_events
            WHERE topup_id = \(bind: topupId.rawValue) ORDER BY seq
            """).all().map(Self.decode)
    }

    /// The newest event's sequence number and hash; nil for an empty trail.
    public func head() async throws -> (sequence: Int64, hash: String)? {
        guard let row = try await store.sql.raw("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1").first() else {
            return nil
        }
        return (try row.decode(column: "seq", as: Int64.self), try row.decode(column: "hash", as: String.self))
    }

    /// Events in a time window and, optionally, of one order, oldest first, in pages after `sequence`.
    public func events(
        after sequence: Int64, limit: Int, from: Int64?, to: Int64?, topupId: TopupID?
    ) async throws -> [AuditRecord] {
        var query = SQLQueryString("""
            SELECT seq, at, kind, topup_id, actor, request_id, details, prev_hash, hash FROM audit_events
            WHERE seq > \(bind: sequence)
            """)
        if let from { query = query + " AND at >= \(bind: from)" }
        if let to { query = query + " AND at < \(bind: to)" }
        if let topupId { query = query + " AND topup_id = \(bind: topupId.rawValue)" }
        query = query + " ORDER BY seq LIMIT \(bind: limit)"
        return try await store.sql.raw(query).all().map(Self.decode)
    }

    /// Every event, oldest first, in pages.
    public func events(after sequence: Int64, limit: Int) async throws -> [AuditRecord] {
        try await store.sql.raw("""
            SELECT seq, at, kind, topup_id, actor, request_id, details, prev_hash, hash FROM audit_events
            WHERE seq > \(bind: sequence) ORDER BY seq LIMIT \(bind: limit)
            """).all().map(Self.decode)
    }

    // MARK: - Canonical encoding

    /// Details as JSON with sorted keys and no insignificant whitespace.
    static func canonicalDetails(_ details: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(details), as: UTF8.self)) ?? "{}"
    }

    /// Every field, length-prefixed so no two different events encode alike.
    static func hash(previous: String, sequence: Int64, at: Int64, event: AuditEvent, details: String) -> String {
        let fields = [
            previous, String(sequence), String(at), event.kind.rawValue, event.topupId?.rawValue ?? "",
            event.actor ?? "", event.requestID ?? "", details,
        ]
        var hasher = SHA256()
        for field in fields {
            let bytes = Array(field.utf8)
            hasher.update(data: Array("\(bytes.count):".utf8))
            hasher.update(data: bytes)
        }
        return Hex.encode(hasher.finalize())
    }

    static func decode(_ row: any SQLRow) throws -> AuditRecord {
        func optional(_ column: String) throws -> String? {
            try row.decodeNil(column: column) ? nil : row.decode(column: column, as: String.self)
        }
        guard let kind = AuditKind(rawValue: try row.decode(column: "kind", as: String.self)) else {
            throw StorageError.corruptRow(table: "audit_events")
        }
        let details = try row.decode(column: "details", as: String.self)
        let event = AuditEvent(
            kind,
            topupId: try optional("topup_id").flatMap(TopupID.init),
            actor: try optional("actor"),
            requestID: try optional("request_id"),
            details: (try? JSONDecoder().decode([String: String].self, from: Data(details.utf8))) ?? [:]
        )
        return AuditRecord(
            sequence: try row.decode(column: "seq", as: Int64.self),
            at: try row.decode(column: "at", as: Int64.self),
            event: event,
            previousHash: try row.decode(column: "prev_hash", as: String.self),
            hash: try row.decode(column: "hash", as: String.self)
        )
    }
}
