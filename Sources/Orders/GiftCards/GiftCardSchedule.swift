import BitaqaCore

/// When gift-card orders are looked at, after the upstream's guide: every 5 s for 10 minutes (120
/// attempts), then every few minutes until final, since an order is never dropped.
public struct GiftCardSchedule: Sendable {
    public var pollInterval: Duration = .seconds(5)
    public var fastWindow: Duration = .seconds(600)
    public var slowInterval: Duration = .seconds(300)
    /// How long after an unanswered `placeOrder` an order absent from the upstream's list is surely
    /// absent (`BITAQA_GIFT_CARD_RESOLVE_AFTER`).
    public var resolveAfter: Duration = .seconds(120)
    /// How far the upstream's clock may be from ours when its order times are compared with ours.
    public var clockSlack: Duration = .seconds(60)

    public init() {}

    public var firstCheck: Duration { pollInterval }

    /// The next check of a `HANDLING` order created at `createdAt`.
    public func nextCheck(createdAt: Int64, now: Int64) -> Int64 {
        let fast = now - createdAt < fastWindow.inMilliseconds
        return now + (fast ? pollInterval : slowInterval).inMilliseconds
    }
}
