import BitaqaCore

/// What the audit trail records. Each kind names one thing that happened to an order or a key.
public enum AuditKind: String, Sendable, Codable, CaseIterable {
    case orderRegistered = "ORDER_REGISTERED"
    case orderSent = "ORDER_SENT"
    case statusChanged = "STATUS_CHANGED"
    case cardStored = "CARD_STORED"
    case cardDelivered = "CARD_DELIVERED"
    case deliveryFailed = "DELIVERY_FAILED"
    case cardViewed = "CARD_VIEWED"
    case accessDenied = "ACCESS_DENIED"
    case cardUnreadable = "CARD_UNREADABLE"
    case keyRotated = "KEY_ROTATED"
    case resendRequested = "RESEND_REQUESTED"
    case contactChanged = "CONTACT_CHANGED"
    case contactChangeRefused = "CONTACT_CHANGE_REFUSED"
    case webhookRefused = "WEBHOOK_REFUSED"
    case contactsBound = "CONTACTS_BOUND"
    case consoleSignedIn = "CONSOLE_SIGNED_IN"
    case consoleSignedOut = "CONSOLE_SIGNED_OUT"
    case checkRequested = "CHECK_REQUESTED"
    case webhookRetryRequested = "WEBHOOK_RETRY_REQUESTED"
    case staffAdded = "STAFF_ADDED"
    case staffRemoved = "STAFF_REMOVED"
    case delayNoticeQueued = "DELAY_NOTICE_QUEUED"
    case noteAdded = "NOTE_ADDED"
    case buyerExported = "BUYER_EXPORTED"
    case contactsErased = "CONTACTS_ERASED"
}

/// One event to append. `details` are short, non-secret facts (a key id, a channel, a count); the card
/// code has no path in here, since ``CardCode`` is not a `String`.
public struct AuditEvent: Sendable, Equatable {
    public var kind: AuditKind
    public var topupId: TopupID?
    public var actor: String?
    public var requestID: String?
    public var details: [String: String]

    public init(
        _ kind: AuditKind, topupId: TopupID? = nil, actor: String? = nil, requestID: String? = nil,
        details: [String: String] = [:]
    ) {
        self.kind = kind
        self.topupId = topupId
        self.actor = actor
        self.requestID = requestID
        self.details = details
    }
}

/// An event as stored, with its place in the chain.
public struct AuditRecord: Sendable, Equatable {
    public let sequence: Int64
    public let at: Int64
    public let event: AuditEvent
    public let previousHash: String
    public let hash: String
}
