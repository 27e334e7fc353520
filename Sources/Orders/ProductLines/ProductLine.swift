import BitaqaCore
import Messaging

/// One product line Bitaqa sells through the upstream: what its orders are called on each surface,
/// what one fulfilled order holds, when its orders are settled, how its messages read and how its
/// buyer uses what they bought.
///
/// Internet top-ups (``InternetTopups``, a ``SingleCodeLine``) are the first line; gift cards
/// (``GiftCardLine``) the second, with their upstream port, placement, tracker, wording, routes and pages
/// in files of their own (`Sources/Orders/GiftCards`, `Gift*` files elsewhere). Both share the machinery:
/// the orders table and its key, the vault, the outbox of deliveries, the audit trail and webhooks, the
/// channels and the customer's authentication.
public protocol ProductLine: Sendable {
    /// The line's name in routes and stored rows (`internet`, `gift-card`).
    var id: ProductLineID { get }
    /// The buyer's routes, under the customer API (`api/internet-orders`).
    var customerPath: String { get }
    /// What one fulfilled order holds.
    var cardShape: CardShape { get }
    /// Whether nothing more can happen to an order in `status` upstream.
    func isSettled(_ status: OrderStatus) -> Bool
}

/// A line whose fulfilled order holds one code (``CardShape/singleCode``): the shared deliverer, card
/// route and reveal page write its messages and pages from what it gives here.
public protocol SingleCodeLine: ProductLine {
    /// How its messages read, in every language.
    var wording: MessageWording { get }
    /// The product as the buyer knows it, in messages and on the reveal page (`ADSL`, `4G`).
    func productName(of order: OrderRecord) -> String
    /// How to use what the order bought, in the order's language.
    func usageSteps(for order: OrderRecord) -> [String]
}

/// The name of a product line.
public struct ProductLineID: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public var description: String { rawValue }

    public static let internet = ProductLineID(rawValue: "internet")
    public static let giftCard = ProductLineID(rawValue: "gift-card")
}

/// What a fulfilled order holds: one code (an internet recharge card), or several codes each with a
/// serial (gift cards, up to a quantity per order).
public enum CardShape: Sendable, Equatable {
    case singleCode
    case codesWithSerials(maxPerOrder: Int)
}
