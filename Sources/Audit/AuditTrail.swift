import BitaqaCore
import Crypto
import Foundation

/// Hears each event as it is appended, inside the appending transaction; a throw rolls both back.
public protocol AuditListener: Sendable {
    func appended(_ event: AuditEvent, at now: Int64, in transaction: Transaction) async throws
    /// Whether ``appended(_:at:in:)`` may write for `event`; events no listener needs can be appended
    /// without a transaction of their own.
    func hears(_ event: AuditEvent) -> Bool
}

extension AuditListener {
    public func hears(_ event: AuditEvent) -> Bool { true }
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
        repository: any AuditRepository, transactions: any TransactionRunner, keys: AuditKeys?,
        listener: (any AuditListener)? = nil
    ) {
        self.repository = repository
        self.transactions = transactions
        self.keys = keys
        self.listener = listener
    }

    /// Whether new events are authenticated, and MACs can be checked.
    public var isKeyed: Bool { keys != nil }

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
            try await self.append(events.map { ($0, now) }, in: transaction)
        }
    }

    /// Appends inside the caller's transaction, so the event commits or rolls back with the change it records.
    @discardableResult
    public func append(_ event: AuditEvent, now: Int64, in transaction: Transaction) async throws -> AuditRecord {
        try await append([(event, now)], in: transaction)[0]
    }

    /// Appends events, in order, inside the caller's transaction: the head is read once and the rows
    /// go in together, so a group commit of many card views costs a few statements, not a few per view.
    /// The chain is exactly the one appending them one by one would make.
    @discardableResult
    public func append(_ events: [(AuditEvent, Int64)], in transaction: Transaction) async throws -> [AuditRecord] {
        guard !events.isEmpty else { return [] }
        let (rows, records) = chained(events, after: try await repository.lockHead(in: transaction))
        try await repository.insert(rows, in: transaction)
        if let listener {
            for (event, now) in events { try await listener.appended(event, at: now, in: transaction) }
        }
        return records
    }

    /// The most events ``append(after:_:)`` writes at once.
    public static let maxUnlocked = 200

    /// Appends events after `head`, which the caller read earlier, in one statement without a transaction:
    /// the statement is atomic, and it fails as a whole on a duplicate sequence number if anyone appended
    /// since `head` was read, so the chain cannot fork; the caller then appends the usual way.
    ///
    /// Only where ``canAppendUnlocked(_:)`` says so: for events no listener hears (a listener writes in the
    /// appender's transaction), at most ``maxUnlocked`` of them, where the repository's lone statement
    /// waits for the other appenders (``AuditRepository/canInsertAlone``).
    public func append(after head: (sequence: Int64, hash: String), _ events: [(AuditEvent, Int64)]) async throws
        -> [AuditRecord]
    {
        assert(canAppendUnlocked(events), "a caller appends alone only where canAppendUnlocked allows")
        guard !events.isEmpty else { return [] }
        let (rows, records) = chained(events, after: head)
        try await repository.insertAlone(rows)
        return records
    }

    /// Whether ``append(after:_:)`` may write `events`.
    public func canAppendUnlocked(_ events: some Collection<(AuditEvent, Int64)>) -> Bool {
        repository.canInsertAlone && events.count <= Self.maxUnlocked
            && !events.contains { listener?.hears($0.0) ?? false }
    }

    private func chained(_ events: [(AuditEvent, Int64)], after last: (sequence: Int64, hash: String)?) -> (
        [AuditRow], [AuditRecord]
    ) {
        var sequence = last?.sequence ?? 0
        var previous = last?.hash ?? Self.genesis
        let signer = keys?.active
        var rows: [AuditRow] = []
        var records: [AuditRecord] = []
        rows.reserveCapacity(events.count)
        records.reserveCapacity(events.count)
        for (event, now) in events {
            sequence += 1
            let details = Self.canonicalDetails(event.details)
            let hash = Self.hash(previous: previous, sequence: sequence, at: now, event: event, details: details)
            rows.append(
                AuditRow(
                    sequence: sequence, at: now, kind: event.kind.rawValue, topupId: event.topupId?.rawValue,
                    actor: event.actor, requestID: event.requestID, details: details, previousHash: previous,
                    hash: hash, mac: signer.flatMap { signer in keys?.mac(hash, key: signer.key) },
                    macKeyID: signer?.id
                ))
            records.append(AuditRecord(sequence: sequence, at: now, event: event, previousHash: previous, hash: hash))
            previous = hash
        }
        return (rows, records)
    }

    /// The events of one order, oldest first.
    public func events(of topupId: TopupID) async throws -> [AuditRecord] {
        try await repository.rows(after: 0, limit: Int(Int32.max), from: nil, to: nil, topupId: topupId.rawValue).map(
            Self.decode)
    }

    /// The events of one order whose content matches its hash and whose MAC verifies under a key of the
    /// ring: what a database writer without the key cannot have written. Empty for a trail without keys.
    public func authenticatedEvents(of topupId: TopupID) async throws -> [AuditRecord] {
        guard let keys else { return [] }
        let rows = try await repository.rows(
            after: 0, limit: Int(Int32.max), from: nil, to: nil, topupId: topupId.rawValue)
        return rows.compactMap { row in
            guard let mac = row.mac, let keyID = row.macKeyID, let record = try? Self.decode(row),
                Self.hash(
                    previous: record.previousHash, sequence: record.sequence, at: record.at, event: record.event,
                    details: Self.canonicalDetails(record.event.details)) == record.hash,
                keys.verify(hash: record.hash, mac: mac, keyID: keyID) == true
            else { return nil }
            return record
        }
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
        CanonicalJSON.encode(details)
    }

    /// Every field, length-prefixed so no two different events encode alike.
    static func hash(previous: String, sequence: Int64, at: Int64, event: AuditEvent, details: String) -> String {
        let fields = [
            previous, String(sequence), String(at), event.kind.rawValue, event.topupId?.rawValue ?? "",
            event.actor ?? "", event.requestID ?? "", details,
        ]
        // Each field as `length:bytes`, hashed in one update.
        var message: [UInt8] = []
        message.reserveCapacity(fields.reduce(64) { $0 + $1.utf8.count })
        for field in fields {
            message.append(contentsOf: String(field.utf8.count).utf8)
            message.append(UInt8(ascii: ":"))
            message.append(contentsOf: field.utf8)
        }
        return SHA256.hash(data: message).withUnsafeBytes { Hex.encode(buffer: $0) }
    }

    static func decode(_ row: AuditRow) throws -> AuditRecord {
        guard let kind = AuditKind(rawValue: row.kind) else { throw AuditRowError(kind: row.kind) }
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

/// A stored event whose kind this version does not know.
public struct AuditRowError: Error, Sendable, CustomStringConvertible {
    public let kind: String
    public var description: String { "an audit event of unknown kind \(kind)" }
}
