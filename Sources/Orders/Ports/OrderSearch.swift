import BitaqaCore

/// What the merchant's order list filters on. Every field is optional; `query` matches a topupId,
/// topupRef, number, transaction number or user id exactly, an email in any case, or a phone in any
/// of its spellings (`0551…`, `+213551…`, `00213551…`).
public struct OrderSearch: Sendable {
    public var status: OrderStatus?
    /// Orders with a card delivery in this state (`pending` includes `sending`).
    public var delivery: DeliveryState?
    public var userId: UserID?
    public var type: CardType?
    /// The card's face value in DZD.
    public var value: Int?
    public var query: String?
    /// Registration time bounds, milliseconds since 1970, inclusive.
    public var from: Int64?
    public var to: Int64?
    public var limit: Int
    /// Strictly older than this (created_at, topup_id), the last row of the previous page.
    public var after: (createdAt: Int64, topupId: String)?

    public init(limit: Int = 50) {
        self.limit = limit
    }
}
