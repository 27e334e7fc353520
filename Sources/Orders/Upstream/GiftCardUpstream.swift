import BitaqaCore

/// The upstream's gift-card calls (`/v3/gift-cards/*`), as the domain uses them; `OneClickDZ` implements
/// it over HTTP, the domain's tests use an in-memory double.
///
/// `placeOrder` has no idempotency key upstream: an implementation must send it at most once per call,
/// and a caller that gets an error with ``UpstreamError/mayHaveBeenCarriedOut`` must look for the order
/// in ``list(from:to:page:pageSize:)`` before ever placing it again.
public protocol GiftCardUpstream: Sendable {
    /// Every category and its products, without prices or stock.
    func catalog() async throws(UpstreamError) -> GiftCardCatalog
    /// One product with its types, prices and stock; ``UpstreamError/isNotFound`` for an unknown one.
    func product(_ productId: String) async throws(UpstreamError) -> GiftCardProduct
    /// Places an order and returns the upstream's `orderId`. Never retried.
    func placeOrder(productId: String, typeId: String, quantity: Int) async throws(UpstreamError) -> String
    /// An order, with its cards once it has some.
    func checkOrder(_ orderId: String) async throws(UpstreamError) -> GiftCardOrderState
    /// One page of the account's orders, newest first, created between `from` and `to` (milliseconds),
    /// cards included.
    func list(from: Int64?, to: Int64?, page: Int, pageSize: Int) async throws(UpstreamError) -> GiftCardOrderPage
}

public struct GiftCardCatalog: Sendable, Equatable {
    public let categories: [GiftCardCategory]

    public init(categories: [GiftCardCategory]) {
        self.categories = categories
    }
}

public struct GiftCardCategory: Sendable, Equatable {
    public let name: String
    public let products: [GiftCardListing]

    public init(name: String, products: [GiftCardListing]) {
        self.name = name
        self.products = products
    }
}

/// A product as the catalogue lists it.
public struct GiftCardListing: Sendable, Equatable {
    public let id: String
    public let title: String
    public let enabled: Bool
    public let region: String?

    public init(id: String, title: String, enabled: Bool, region: String?) {
        self.id = id
        self.title = title
        self.enabled = enabled
        self.region = region
    }
}

public struct GiftCardProduct: Sendable, Equatable {
    public let productId: String
    public let title: String
    public let types: [GiftCardType]

    public init(productId: String, title: String, types: [GiftCardType]) {
        self.productId = productId
        self.title = title
        self.types = types
    }
}

/// A denomination of a product. `price` is the merchant's own price per card, never shown to buyers;
/// the face value is only in `name`.
public struct GiftCardType: Sendable, Equatable {
    public let id: String
    public let name: String
    public let price: Double
    /// Cards in stock; 0 is out of stock.
    public let stock: Int

    public init(id: String, name: String, price: Double, stock: Int) {
        self.id = id
        self.name = name
        self.price = price
        self.stock = stock
    }
}

/// A gift-card order's status as received: a known one, or a string this version does not know.
public enum GiftCardUpstreamStatus: Sendable, Equatable, CustomStringConvertible {
    case handling, fulfilled, partiallyFilled, refunded
    case unknown(String)

    public init(_ raw: String) {
        switch raw.uppercased() {
        case "HANDLING": self = .handling
        case "FULFILLED": self = .fulfilled
        case "PARTIALLY_FILLED": self = .partiallyFilled
        case "REFUNDED": self = .refunded
        default: self = .unknown(raw)
        }
    }

    /// Whether the upstream will not change the order again (one page of its docs forgets PARTIALLY_FILLED).
    public var isFinal: Bool {
        switch self {
        case .fulfilled, .partiallyFilled, .refunded: true
        case .handling, .unknown: false
        }
    }

    public var description: String {
        switch self {
        case .handling: "HANDLING"
        case .fulfilled: "FULFILLED"
        case .partiallyFilled: "PARTIALLY_FILLED"
        case .refunded: "REFUNDED"
        case .unknown(let raw): "unknown(\(raw))"
        }
    }
}

/// One delivered card: both the code and the serial are secrets, so neither ever prints.
public struct GiftCardSecret: Sendable, Equatable {
    public let code: CardCode
    public let serial: CardCode?

    public init(code: CardCode, serial: CardCode?) {
        self.code = code
        self.serial = serial
    }
}

extension GiftCardSecret: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "GiftCardSecret(redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}

/// A gift-card order as `checkOrder` and `list` describe it.
public struct GiftCardOrderState: Sendable, Equatable {
    public let orderId: String
    public let status: GiftCardUpstreamStatus
    public let quantity: Int
    public let productId: String
    public let typeId: String
    /// Milliseconds since 1970; 0 when the upstream sent no readable time.
    public let createdAt: Int64
    /// Absent while HANDLING.
    public let fulfilledQuantity: Int?
    public let pricePerCard: Double?
    /// The cards that came; empty while HANDLING and when REFUNDED.
    public let cards: [GiftCardSecret]

    public init(
        orderId: String, status: GiftCardUpstreamStatus, quantity: Int, productId: String, typeId: String,
        createdAt: Int64, fulfilledQuantity: Int?, pricePerCard: Double?, cards: [GiftCardSecret]
    ) {
        self.orderId = orderId
        self.status = status
        self.quantity = quantity
        self.productId = productId
        self.typeId = typeId
        self.createdAt = createdAt
        self.fulfilledQuantity = fulfilledQuantity
        self.pricePerCard = pricePerCard
        self.cards = cards
    }
}

extension GiftCardOrderState: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "GiftCardOrderState(orderId: \(orderId), status: \(status), quantity: \(quantity), product: \(productId), "
            + "type: \(typeId), fulfilled: \(fulfilledQuantity.map(String.init) ?? "-"), cards: \(cards.count))"
    }

    public var debugDescription: String { description }

    /// The cards appear as a count: a mirror of the array would be one careless conformance away from a code.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "orderId": orderId, "status": status, "quantity": quantity, "productId": productId, "typeId": typeId,
                "createdAt": createdAt, "fulfilledQuantity": fulfilledQuantity as Any,
                "pricePerCard": pricePerCard as Any, "cards": "\(cards.count) redacted",
            ], displayStyle: .struct)
    }
}

public struct GiftCardOrderPage: Sendable, Equatable {
    public let items: [GiftCardOrderState]
    public let page: Int
    public let totalPages: Int
    public let totalResults: Int

    public init(items: [GiftCardOrderState], page: Int, totalPages: Int, totalResults: Int) {
        self.items = items
        self.page = page
        self.totalPages = totalPages
        self.totalResults = totalResults
    }
}

extension UpstreamError {
    /// Whether the request may have reached the upstream and been carried out although no usable answer
    /// came back (timeout, connection lost after sending, 5xx, unreadable answer). False for definite
    /// refusals (4xx, 429) and for failures before anything was sent (no connection could be made).
    /// For a `placeOrder`, true means: look for the order before placing it again.
    public var mayHaveBeenCarriedOut: Bool {
        switch kind {
        case .timeout, .connection, .server, .malformed: true
        case .unreachable, .authentication, .forbidden, .notFound, .validation, .rateLimited, .invalidNumber: false
        }
    }

    /// `ERR_STOCK`: not enough cards of the type for the quantity.
    public var isOutOfStock: Bool { code == "ERR_STOCK" }

    /// The account's balance does not cover the order.
    public var isInsufficientBalance: Bool { code == "INSUFFICIENT_BALANCE" || code == "NO_BALANCE" }
}
