import Configuration
import Orders

/// Gift-card orders.
///
/// Keys:
/// - `BITAQA_GIFT_CARD_MAX_QUANTITY`: most cards one gift-card order may ask for (default 10, at most 100).
/// - `BITAQA_GIFT_CARD_RESOLVE_AFTER`: seconds Bitaqa looks for an unanswered `placeOrder` in the
///   upstream's list before it calls the order `NOT_PLACED` (default 120, at least 10).
public struct GiftCardSettings: Sendable {
    public var maxQuantity: Int
    public var resolveAfter: Duration

    init(reader: ConfigReader) throws(ConfigurationError) {
        let root = SettingsReader(reader, scope: ["bitaqa"])
        maxQuantity = try root.int("gift.card.max.quantity", default: 10, range: 1...100)
        resolveAfter = try root.duration("gift.card.resolve.after", default: 120, range: 10...86_400)
    }

    /// The tracking schedule, with the configured resolve delay.
    public var schedule: GiftCardSchedule {
        var schedule = GiftCardSchedule()
        schedule.resolveAfter = resolveAfter
        return schedule
    }
}
