import BitaqaCore

/// Gift cards (`/v3/gift-cards/*`): a quantity of one product type per order, delivered as several
/// codes each with a serial, possibly in part. Placed and followed by ``GiftCardPlacement`` and
/// ``GiftCardTracker``, written by ``GiftCardMessages``.
public struct GiftCardLine: ProductLine {
    public let maxQuantity: Int

    public init(maxQuantity: Int = 10) {
        self.maxQuantity = maxQuantity
    }

    public var id: ProductLineID { .giftCard }
    public var customerPath: String { "api/gift-card-orders" }
    public var cardShape: CardShape { .codesWithSerials(maxPerOrder: maxQuantity) }

    /// `FULFILLED`, `PARTIALLY_FILLED`, `REFUNDED` and `NOT_PLACED` end an order; `PLACING`, `HANDLING`
    /// and `UNCERTAIN` wait for the upstream or the merchant.
    public func isSettled(_ status: OrderStatus) -> Bool { status.isFinal }
}
