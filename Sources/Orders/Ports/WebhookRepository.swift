import BitaqaCore
import Foundation

/// The state of a webhook message.
public enum WebhookState: String, Sendable, Codable, CaseIterable {
    /// Waiting for its first or next attempt.
    case pending
    /// The receiver answered 2xx.
    case delivered
    /// Given up: 410 Gone, or every attempt of the schedule failed.
    case failed
}

/// A webhook message to write into the outbox.
public struct NewWebhookMessage: Sendable, Equatable {
    public let id: String
    public let type: String
    public let topupId: TopupID?
    /// The JSON body, exactly as it will be signed and sent.
    public let body: String
    /// The message's MAC under a key derived from the key ring, and that key's id: the sender signs
    /// nothing else (`WebhookMessageKeys`).
    public let mac: String?
    public let macKeyID: String?

    public init(id: String, type: String, topupId: TopupID?, body: String, mac: String? = nil, macKeyID: String? = nil)
    {
        self.id = id
        self.type = type
        self.topupId = topupId
        self.body = body
        self.mac = mac
        self.macKeyID = macKeyID
    }
}

/// A webhook message as stored.
public struct WebhookMessageRecord: Sendable, Equatable {
    public var id: String
    public var type: String
    public var topupId: String?
    public var body: String
    public var mac: String?
    public var macKeyID: String?
    public var state: WebhookState
    public var attempts: Int
    public var lastStatus: Int?
    public var lastError: String?
    public var createdAt: Int64
    public var nextAttemptAt: Int64?
    public var deliveredAt: Int64?

    /// A message with the fields every stored message has; the rest start empty.
    public init(id: String, type: String, body: String, state: WebhookState, attempts: Int, createdAt: Int64) {
        self.id = id
        self.type = type
        self.body = body
        self.state = state
        self.attempts = attempts
        self.createdAt = createdAt
    }
}

/// The webhook outbox, and the orders it must tell about because they are stuck.
public protocol WebhookRepository: Sendable {
    /// Writes a message due now, inside the caller's transaction.
    func enqueue(_ message: NewWebhookMessage, now: Int64, in transaction: Transaction) async throws
    /// The order's reference and buyer, read inside the caller's transaction.
    func orderFacts(_ topupId: TopupID, in transaction: Transaction) async throws -> WebhookOrderFacts?
    func message(_ id: String) async throws -> WebhookMessageRecord?
    /// Ends `owner`'s lease with the outcome of an attempt; false when the lease was lost.
    @discardableResult
    func recordAttempt(
        _ id: String, owner: String, state: WebhookState, status: Int?, error: String?, nextAttemptAt: Int64?,
        now: Int64
    ) async throws -> Bool
    /// Newest first, after `cursor` (the id of the last message of the previous page).
    func messages(state: WebhookState?, limit: Int, after cursor: String?) async throws -> [WebhookMessageRecord]
    /// Makes a failed or pending message due now; false when there is no such message.
    func retry(_ id: String, now: Int64) async throws -> Bool
    /// Non-final orders registered before the given times (HANDLING, QUEUED) not yet reported stuck.
    func unreportedStuck(handlingBefore: Int64, queuedBefore: Int64, limit: Int) async throws -> [OrderRecord]
    /// Marks an order reported stuck, inside the caller's transaction; false when it already was.
    func markStuckReported(_ topupId: TopupID, now: Int64, in transaction: Transaction) async throws -> Bool
    /// Messages per state.
    func counts() async throws -> [WebhookState: Int]
}

/// What a webhook message says of its order besides the event: its refs, buyer and product line (and,
/// for a gift-card order, the upstream's orderId).
public struct WebhookOrderFacts: Sendable, Equatable {
    public let ref: String?
    public let userId: String
    public let product: ProductLineID
    public let orderId: String?
    /// The order's status as it is stored, which a delivery's webhook reports.
    public let status: OrderStatus?

    public init(ref: String?, userId: String, product: ProductLineID, orderId: String?, status: OrderStatus? = nil) {
        self.ref = ref
        self.userId = userId
        self.product = product
        self.orderId = orderId
        self.status = status
    }
}
