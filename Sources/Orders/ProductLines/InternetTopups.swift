import BitaqaCore
import Messaging

/// Algérie Télécom internet recharge cards (ADSL and 4G), placed with `/v3/internet/send` and followed
/// with `check-id` and `list` (``InternetUpstream``, ``Tracker``): one card code per order.
public struct InternetTopups: SingleCodeLine {
    public init() {}

    public var id: ProductLineID { .internet }
    public var customerPath: String { "api/internet-orders" }
    public var cardShape: CardShape { .singleCode }
    public var wording: MessageWording { .internetTopups }

    /// `FULFILLED` and `REFUNDED` end an order; `HANDLING`, `QUEUED` and `UNKNOWN_UPSTREAM` are followed.
    public func isSettled(_ status: OrderStatus) -> Bool {
        status == .fulfilled || status == .refunded
    }

    public func productName(of order: OrderRecord) -> String {
        order.cardType?.rawValue ?? "ADSL/4G"
    }

    public func usageSteps(for order: OrderRecord) -> [String] {
        UsageInstructions.steps(for: order.cardType, locale: order.locale)
    }
}
