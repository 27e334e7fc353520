import CoreMetrics

/// The gift-card line's own metric families, beside the top-ups' (which keep their names and labels,
/// so existing dashboards stay right). Labels are fixed words, never refs or ids.
///
/// - `bitaqa_gift_card_placements_total{outcome}`: `placed`, `unanswered` (looked for in the list),
///   `refused` by the upstream, `replayed` (the same request again: nothing placed).
/// - `bitaqa_gift_card_resolutions_total{outcome}`: an unanswered order `found`, `not_placed`, `uncertain`.
/// - `bitaqa_gift_card_checks_total{status}`: what a check of a placed order answered.
/// - `bitaqa_gift_cards_stored_total`: cards sealed and stored (one per code).
public struct GiftCardMetrics: Sendable {
    let factory: any MetricsFactory

    public init(factory: any MetricsFactory) {
        self.factory = factory
    }

    func placement(_ outcome: String) {
        Counter(label: "bitaqa_gift_card_placements_total", dimensions: [("outcome", outcome)], factory: factory)
            .increment()
    }

    func resolution(_ outcome: String) {
        Counter(label: "bitaqa_gift_card_resolutions_total", dimensions: [("outcome", outcome)], factory: factory)
            .increment()
    }

    func check(_ status: String) {
        Counter(label: "bitaqa_gift_card_checks_total", dimensions: [("status", status)], factory: factory)
            .increment()
    }

    func stored(_ cards: Int) {
        Counter(label: "bitaqa_gift_cards_stored_total", factory: factory).increment(by: cards)
    }
}
