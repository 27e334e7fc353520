import BitaqaCore

/// One event of the audit trail as stored; the Audit target builds and checks the chain over these.
public struct AuditRow: Sendable, Equatable {
    public let sequence: Int64
    public let at: Int64
    public let kind: String
    public let topupId: String?
    public let actor: String?
    public let requestID: String?
    /// Canonical JSON of the event's details.
    public let details: String
    public let previousHash: String
    public let hash: String
    /// HMAC-SHA256 of `hash` under the audit key `macKeyID` names; nil for events from before keying.
    public let mac: String?
    public let macKeyID: String?

    public init(
        sequence: Int64, at: Int64, kind: String, topupId: String?, actor: String?, requestID: String?, details: String,
        previousHash: String, hash: String, mac: String? = nil, macKeyID: String? = nil
    ) {
        self.mac = mac
        self.macKeyID = macKeyID
        self.sequence = sequence
        self.at = at
        self.kind = kind
        self.topupId = topupId
        self.actor = actor
        self.requestID = requestID
        self.details = details
        self.previousHash = previousHash
        self.hash = hash
    }
}

/// The `audit_events` table: append-only, read in sequence order.
public protocol AuditRepository: Sendable {
    /// Serialises appenders for the rest of `transaction` and returns the newest event's sequence and hash.
    func lockHead(in transaction: Transaction) async throws -> (sequence: Int64, hash: String)?
    /// Appends rows, in order, inside `transaction`, with as few statements as the database allows.
    func insert(_ rows: [AuditRow], in transaction: Transaction) async throws
    /// Appends at most 200 rows in one statement of its own: all or none.
    func insertAlone(_ rows: [AuditRow]) async throws
    /// Whether ``insertAlone(_:)`` can never land inside another appender's transaction. On SQLite one
    /// writer holds the file at a time. On PostgreSQL the statement takes the chain's advisory lock itself
    /// before it inserts, so it waits for appenders in transactions like they wait for each other (a bare
    /// insert would not, and could break their chain).
    var canInsertAlone: Bool { get }
    /// The newest event's sequence and hash; nil for an empty trail.
    func head() async throws -> (sequence: Int64, hash: String)?
    /// Rows after `sequence`, oldest first, optionally in a time window and of one order.
    func rows(after sequence: Int64, limit: Int, from: Int64?, to: Int64?, topupId: String?) async throws -> [AuditRow]
}
