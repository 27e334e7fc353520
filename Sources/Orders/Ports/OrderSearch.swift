import BitaqaCore

/// What the merchant's order list filters on. Every field is optional; `query` matches a topupId,
/// topupRef, number, email or phone exactly (phones in E.164, as stored).
public struct OrderSearch: Sendable {
    public var status: OrderStatus?
    /// Orders with a card delivery in this state (`pending` includes `sending`).
    public var delivery: DeliveryState?
    public var userId: UserID?
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
