import BitaqaCore
import Foundation

/// What the merchant asks to register: an order already sent upstream.
public struct NewOrder: Sendable, Equatable {
    public var topupId: TopupID
    public var topupRef: String?
    public var userId: UserID
    public var cardType: CardType?
    public var number: String?
    public var value: Int?
    public var email: String?
    public var phone: String?
    public var locale: CustomerLocale
    public var channels: [DeliveryChannel]
    /// A digest of the request that registered the order, to tell a replay from a different request.
    public var fingerprint: String
    /// The binding of the contacts and channels (a MAC the domain layer makes) and its key's id.
    public var contactBinding: ContactBinding?

    public init(
        topupId: TopupID, topupRef: String? = nil, userId: UserID, cardType: CardType? = nil, number: String? = nil,
        value: Int? = nil, email: String? = nil, phone: String? = nil, locale: CustomerLocale,
        channels: [DeliveryChannel], fingerprint: String
    ) {
        self.topupId = topupId
        self.topupRef = topupRef
        self.userId = userId
        self.cardType = cardType
        self.number = number
        self.value = value
        self.email = email
        self.phone = phone
        self.locale = locale
        self.channels = channels
        self.fingerprint = fingerprint
    }
}

/// A MAC over an order's contacts and channels, and the id of the key it was made under.
public struct ContactBinding: Sendable, Equatable {
    public let mac: String
    public let keyID: String

    public init(mac: String, keyID: String) {
        self.mac = mac
        self.keyID = keyID
    }
}

/// An order as stored. The sealed card stays opaque bytes here; only the vault opens it.
public struct OrderRecord: Sendable, Equatable {
    public var topupId: TopupID
    public var topupRef: String?
    public var userId: UserID
    public var cardType: CardType?
    public var number: String?
    public var value: Int?
    public var email: String?
    public var phone: String?
    public var locale: CustomerLocale
    public var channels: [DeliveryChannel]
    public var fingerprint: String
    public var status: OrderStatus
    public var sealedCard: [UInt8]?
    public var cardKeyId: String?
    public var transactionNumber: String?
    public var processedDate: String?
    public var createdAt: Int64
    public var updatedAt: Int64
    public var nextCheckAt: Int64?
    public var checkCount: Int
    /// When the upstream last answered (or failed to answer) about this order; nil before the first check.
    public var lastCheckedAt: Int64?
    /// When tracking last restarted (`bitaqa orders check` on an `UNKNOWN_UPSTREAM` order); nil: at registration.
    public var trackedSince: Int64?
    /// Where the tracking schedule and the unknown-upstream clock count from.
    public var trackingStart: Int64 { trackedSince ?? createdAt }
    /// Nil for an order registered before contact binding existed, until `keys rotate` binds it.
    public var contactBinding: ContactBinding?
    /// What the order bought: an internet top-up, or gift cards (whose details are a ``GiftCardOrder``'s).
    public var productLine: ProductLineID = .internet
    /// Channels whose sealed contact does not open for this order (copied from another order, or under a
    /// key no longer in the ring): nothing is sent there, and the refusal is audited.
    public var unreadableContacts: [DeliveryChannel] = []
    /// When the buyer's contacts were erased (on request or after their retention); nil while held.
    public var contactsErasedAt: Int64?

    /// An order with the fields every stored order has; the rest start empty.
    public init(
        topupId: TopupID, userId: UserID, locale: CustomerLocale, status: OrderStatus, channels: [DeliveryChannel],
        fingerprint: String, createdAt: Int64, updatedAt: Int64, checkCount: Int = 0
    ) {
        self.topupId = topupId
        self.userId = userId
        self.locale = locale
        self.status = status
        self.channels = channels
        self.fingerprint = fingerprint
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.checkCount = checkCount
    }
}
