import BitaqaCore

/// A gift-card order to store before its `placeOrder` is sent (or, registered, after the shop placed it).
public struct NewGiftCardOrder: Sendable, Equatable {
    /// The shop's own order number; it names the order in every route.
    public var ref: String
    public var userId: UserID
    public var productId: String
    public var productTitle: String
    public var typeId: String
    public var typeName: String
    public var quantity: Int
    /// The merchant's price per card when the order was placed; never shown to a buyer.
    public var pricePerCard: Double?
    public var email: String?
    public var phone: String?
    public var locale: CustomerLocale
    public var channels: [DeliveryChannel]
    public var fingerprint: String
    public var contactBinding: ContactBinding?

    public init(
        ref: String, userId: UserID, productId: String, productTitle: String, typeId: String, typeName: String,
        quantity: Int, pricePerCard: Double?, email: String?, phone: String?, locale: CustomerLocale,
        channels: [DeliveryChannel], fingerprint: String
    ) {
        self.ref = ref
        self.userId = userId
        self.productId = productId
        self.productTitle = productTitle
        self.typeId = typeId
        self.typeName = typeName
        self.quantity = quantity
        self.pricePerCard = pricePerCard
        self.email = email
        self.phone = phone
        self.locale = locale
        self.channels = channels
        self.fingerprint = fingerprint
    }
}

/// An upstream order that may be an unanswered `placeOrder`: what the merchant sees to settle an
/// `UNCERTAIN` order. Never a code.
public struct GiftCardCandidate: Sendable, Equatable, Codable {
    public let orderId: String
    public let createdAt: Int64
    public let quantity: Int
    public let status: String

    public init(orderId: String, createdAt: Int64, quantity: Int, status: String) {
        self.orderId = orderId
        self.createdAt = createdAt
        self.quantity = quantity
        self.status = status
    }
}

/// What a gift-card order holds beyond an order's common fields.
public struct GiftCardDetails: Sendable, Equatable {
    public var ref: String
    /// The upstream's id; nil while `PLACING`, `NOT_PLACED` or `UNCERTAIN`.
    public var orderId: String?
    public var productId: String
    public var productTitle: String
    public var typeId: String
    public var typeName: String
    public var quantity: Int
    public var fulfilledQuantity: Int?
    public var pricePerCard: Double?
    /// When the unanswered `placeOrder` was sent: where the search of the upstream's list starts.
    public var placeAttemptedAt: Int64?
    public var nextCheckAt: Int64?
    public var checkCount: Int
    public var candidates: [GiftCardCandidate]
    /// The MAC that binds `orderId` to the order (``ContactBinder/bind(giftCardOrder:to:)``); nil before
    /// the order has one.
    public var orderBinding: ContactBinding?

    public init(
        ref: String, orderId: String?, productId: String, productTitle: String, typeId: String, typeName: String,
        quantity: Int
    ) {
        self.ref = ref
        self.orderId = orderId
        self.productId = productId
        self.productTitle = productTitle
        self.typeId = typeId
        self.typeName = typeName
        self.quantity = quantity
        self.checkCount = 0
        self.candidates = []
    }
}

/// A gift-card order: the order row every surface shares (its key is ``GiftCardKey``) and its details.
public struct GiftCardOrder: Sendable, Equatable {
    public var order: OrderRecord
    public var details: GiftCardDetails

    public init(order: OrderRecord, details: GiftCardDetails) {
        self.order = order
        self.details = details
    }

    public var key: TopupID { order.topupId }
    public var status: OrderStatus { order.status }
}

/// The key of a gift-card order's row among all orders: `gc:` and the shop's `ref`, so it never meets
/// an upstream top-up id (hexadecimal) and a ref names one order whatever its product line.
public enum GiftCardKey {
    public static let prefix = "gc:"

    public static func key(for ref: String) -> TopupID? { TopupID(prefix + ref) }

    public static func isGiftCard(_ key: TopupID) -> Bool { key.rawValue.hasPrefix(prefix) }
}

/// One card of a fulfilled gift-card order, sealed: its code and serial each in a blob of the vault,
/// bound to the order, the buyer, the position (from 1) and the part.
public struct SealedGiftCard: Sendable, Equatable {
    public let position: Int
    public let code: [UInt8]
    public let serial: [UInt8]?
    public let keyID: String

    public init(position: Int, code: [UInt8], serial: [UInt8]?, keyID: String) {
        self.position = position
        self.code = code
        self.serial = serial
        self.keyID = keyID
    }
}

/// How a gift-card order ended upstream, to record in one step with its sealed cards.
public struct GiftCardOutcome: Sendable, Equatable {
    public let status: OrderStatus
    public let fulfilledQuantity: Int
    public let pricePerCard: Double?
    public let cards: [SealedGiftCard]

    public init(status: OrderStatus, fulfilledQuantity: Int, pricePerCard: Double?, cards: [SealedGiftCard]) {
        self.status = status
        self.fulfilledQuantity = fulfilledQuantity
        self.pricePerCard = pricePerCard
        self.cards = cards
    }
}
