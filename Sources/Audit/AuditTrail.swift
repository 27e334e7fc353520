import BitaqaCore
import Crypto
import Foundation
import Storage

/// Hears each event as it is appended, inside the appending transaction; a throw rolls both back.
public protocol AuditListener: Sendable {
    func appended(_ event: AuditEvent, at now: Int64, in transaction: Transaction) async throws
}

/// The append-only, hash-chained audit trail.
///
/// Each event's hash is `SHA-256(previous hash ‖ canonical encoding of the event)`; the first event's
/// previous hash is ``genesis``. The rows live in Storage (``AuditRepository``), which serialises
/// appends so the chain stays one line even with several processes.
public struct AuditTrail: Sendable {
    public static let genesis = String(repeating: "0", count: 64)
    let repository: any AuditRepository
    let transactions: any TransactionRunner
    /// Authenticate each new event's hash; the service always has them, a bare trail (tests) may not.
    let keys: AuditKeys?
    /// Told of each event inside the transaction that appends it (the webhook outbox).
    let listener: (any AuditListener)?

    public init(
        repository: any AuditRepository, transactions: any TransactionRunner, keys: AuditKeys? = nil,
        listener: (any AuditListener)? = nil
    ) {
        self.repository = repository
        self.transactions = transactions
        self.keys = keys
        self.listener = listener
    }

    /// The trail of `store`, keyed when `keys` are given.
    public init(store: Store, keys: AuditKeys? = nil) {
        self.init(repository: SQLAuditRepository(store: store), transactions: store, keys: keys)
    }

    /// The same trail, its new events authenticated with `keys`.
    public func keyed(with keys: AuditKeys) -> AuditTrail {
        AuditTrail(repository: repository, transactions: transactions, keys: keys, listener: listener)
    }

    /// The same trail, telling `listener` of each event in the transaction that appends it: what the
    /// listener writes commits or rolls back with the event and the change it records.
    public func notifying(_ listener: any AuditListener) -> AuditTrail {
        AuditTrail(repository: repository, transactions: transactions, keys: keys, listener: listener)
    }

    /// Rows as stored, oldest first, for the verifier (which must survive a row that does not decode).
    public func rows(after sequence: Int64, limit: Int) async throws -> [AuditRow] {
        try await repository.rows(after: sequence, limit: limit, from: nil, to: nil, topupId: nil)
    }

    /// Appends in a transaction of its own.
    @discardableResult
    public func append(_ event: AuditEvent, now: Int64) async throws -> AuditRecord {
        try await transactions.transaction { transaction in try await self.append(event, now: now, in: transaction) }
    }

    /// Appends several events, in order, in one transaction of their own.
    public func append(_ events: [AuditEvent], now: Int64) async throws {
        try await transactions.transaction { transaction in
            for event in events { try await self.append(event, now: now, in: transaction) }
        }
    }

    /// Appends inside the caller's transaction, so the event commits or rolls back with the change it records.
    @discardableResult
    public func append(_ event: AuditEvent, now: Int64, in transaction: Transaction) async throws -> AuditRecord {
        let last = try await repository.lockHead(in: transaction)
        let sequence = (last?.sequence ?? 0) + 1
        let previous = last?.hash ?? Self.genesis
        let details = Self.canonicalDetails(event.details)
        let hash = Self.hash(previous: previous, sequence: sequence, at: now, event: event, details: details)
        let signer = keys?.active
        try await repository.insert(
            AuditRow(
                sequence: sequence, at: now, kind: event.kind.rawValue, topupId: event.topupId?.rawValue,
                actor: event.actor, requestID: event.requestID, details: details, previousHash: previous, hash: hash,
                mac: signer.flatMap { signer in keys?.mac(hash, key: signer.key) }, macKeyID: signer?.id
            ),
            in: transaction
        )
        try await listener?.appended(event, at: now, in: transaction)
        return AuditRecord(sequence: sequence, at: now, event: event, previousHash: previous, hash: hash)
    }

    /// The events of one order, oldest first.
    public func events(of topupId: TopupID) async throws -> [AuditRecord] {
        try await repository.rows(after: 0, limit: Int(Int32.max), from: nil, to: nil, topupId: topupId.rawValue).map(
            Self.decode)
    }

    /// The newest event's sequence number and hash; nil for an empty trail.
    public func head() async throws -> (sequence: Int64, hash: String)? {
        try await repository.head()
    }

    /// Events in a time window and, optionally, of one order, oldest first, in pages after `sequence`.
    public func events(
        after sequence: Int64, limit: Int, from: Int64?, to: Int64?, topupId: TopupID?
    ) async throws -> [AuditRecord] {
        try await repository.rows(after: sequence, limit: limit, from: from, to: to, topupId: topupId?.rawValue).map(
            Self.decode)
    }

    /// Every event, oldest first, in pages.
    public func events(after sequence: Int64, limit: Int) async throws -> [AuditRecord] {
        try await repository.rows(after: sequence, limit: limit, from: nil, to: nil, topupId: nil).map(Self.decode)
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

    static func decode(_ row: AuditRow) throws -> AuditRecord {
        guard let kind = AuditKind(rawValue: row.kind) else { throw StorageError.corruptRow(table: "audit_events") }
        let event = AuditEvent(
            kind,
            topupId: row.topupId.flatMap(TopupID.init),
            actor: row.actor,
            requestID: row.requestID,
            details: (try? JSONDecoder().decode([String: String].self, from: Data(row.details.utf8))) ?? [:]
        )
        return AuditRecord(
            sequence: row.sequence, at: row.at, event: event, previousHash: row.previousHash, hash: row.hash)
    }
}
