import BitaqaCore
import Foundation

/// The gift-card half of the reconciliation (``Reconciler``): the upstream's gift-card orders created
/// in a window against Bitaqa's gift-card orders. `untracked`: an upstream order no Bitaqa order holds
/// (placed around Bitaqa, or the candidate of an order still `PLACING` or `UNCERTAIN`);
/// `missing_upstream`: an order with an `orderId` that the list does not have and `checkOrder` does not
/// know; `status_mismatch`; and, for orders with cards, `undelivered` and `failed_delivery`. Every
/// difference carries `"product": "gift-card"` and the `orderId` (also as `topupId`).
///
/// The upstream's answers carry the cards: only ids, statuses and quantities are kept from them, so no
/// code or serial ever reaches a difference.
struct GiftCardReconciliation: Sendable {
    let context: DomainContext
    let upstream: any GiftCardUpstream

    struct Outcome: Sendable {
        var differences: [Reconciler.Difference] = []
        var upstreamCount = 0
        var localCount = 0
        /// Listed orders without an id, which could not be compared.
        var unreadable = 0
    }

    /// What is kept of an upstream order: never its cards.
    struct Listed: Sendable {
        let status: GiftCardUpstreamStatus
        let quantity: Int
        let fulfilledQuantity: Int?
        let pricePerCard: Double?

        init(_ state: GiftCardOrderState) {
            status = state.status
            quantity = state.quantity
            fulfilledQuantity = state.fulfilledQuantity
            pricePerCard = state.pricePerCard
        }
    }

    /// Whether an order row is a gift-card order's, which the top-ups' history never lists.
    static func isGiftCard(_ order: OrderRecord) -> Bool {
        order.productLine == .giftCard || GiftCardKey.isGiftCard(order.topupId)
    }

    /// Compares the window `from...to` (milliseconds); `local` are the gift-card order rows Bitaqa
    /// registered in it.
    func run(from: Int64, to: Int64, local: [OrderRecord]) async throws -> Outcome {
        var outcome = Outcome()
        var listed: [String: Listed] = [:]
        var page = 1
        while true {
            let result = try await upstream.list(from: from, to: to, page: page, pageSize: 100)
            for item in result.items {
                if item.orderId.isEmpty { outcome.unreadable += 1 } else { listed[item.orderId] = Listed(item) }
            }
            if page >= result.totalPages || result.items.isEmpty { break }
            page += 1
        }
        outcome.upstreamCount = listed.count

        let repository = context.repositories.giftCards
        var mine: [GiftCardOrder] = []
        for row in local {
            let ref = String(row.topupId.rawValue.dropFirst(GiftCardKey.prefix.count))
            if let order = try await repository.find(ref: ref) { mine.append(order) }
        }
        outcome.localCount = mine.count
        // Listed in the window, registered here outside it (e.g. an order the shop placed itself earlier).
        let inWindow = Set(mine.compactMap(\.details.orderId))
        for orderId in try await repository.knownOrderIds(Array(listed.keys)).subtracting(inWindow).sorted() {
            if let order = try await repository.find(orderId: orderId) { mine.append(order) }
        }
        let withCards = mine.filter { $0.status.hasCards }.map(\.key)
        let deliveries = try await context.repositories.orders.deliveries(of: withCards)

        var held: Set<String> = []
        for order in mine {
            // `PLACING`, `NOT_PLACED` and `UNCERTAIN` orders hold no upstream order to compare.
            guard let orderId = order.details.orderId else { continue }
            held.insert(orderId)
            if let item = listed[orderId] {
                outcome.differences += compare(order, orderId: orderId, upstream: item, deliveries: deliveries)
                continue
            }
            // Registered near the window's edge but created upstream outside it, or truly absent: the
            // upstream's own answer for the one order decides.
            let answer: Result<GiftCardOrderState, UpstreamError>
            do {
                answer = .success(try await upstream.checkOrder(orderId))
            } catch {
                answer = .failure(error)
            }
            switch answer {
            case .success(let state):
                outcome.differences += compare(
                    order, orderId: orderId, upstream: Listed(state), deliveries: deliveries)
            case .failure(let error) where error.isNotFound:
                outcome.differences.append(
                    difference(
                        .missingUpstream, order: order, orderId: orderId, status: nil,
                        value: Self.amount(
                            price: order.details.pricePerCard, quantity: order.details.quantity,
                            fulfilled: order.details.fulfilledQuantity)))
            case .failure(let error):
                throw error
            }
        }
        for (orderId, item) in listed where !held.contains(orderId) {
            outcome.differences.append(
                Reconciler.Difference(
                    topupId: orderId, kind: .untracked, status: item.status.description, localStatus: nil,
                    value: Self.amount(item, price: nil), topupRef: nil, userId: nil, channels: nil,
                    product: ProductLineID.giftCard.rawValue, orderId: orderId, ref: nil))
        }
        return outcome
    }

    private func compare(
        _ order: GiftCardOrder, orderId: String, upstream item: Listed, deliveries: [TopupID: [DeliveryRecord]]
    ) -> [Reconciler.Difference] {
        let status = item.status.description
        guard status == order.status.rawValue else {
            return [
                difference(
                    .statusMismatch, order: order, orderId: orderId, status: status,
                    value: Self.amount(item, price: order.details.pricePerCard))
            ]
        }
        guard order.status.hasCards else { return [] }
        let value = Self.amount(
            price: order.details.pricePerCard ?? item.pricePerCard, quantity: order.details.quantity,
            fulfilled: order.details.fulfilledQuantity ?? item.fulfilledQuantity)
        let cards = (deliveries[order.key] ?? []).filter { $0.purpose == .card }
        var found: [Reconciler.Difference] = []
        let failed = cards.filter { $0.state == .failed }.map(\.channel.rawValue)
        if !failed.isEmpty {
            found.append(
                difference(
                    .failedDelivery, order: order, orderId: orderId, status: status, value: value, channels: failed))
        }
        let waiting = cards.filter { $0.state == .pending || $0.state == .sending }.map(\.channel.rawValue)
        if !waiting.isEmpty {
            found.append(
                difference(
                    .undelivered, order: order, orderId: orderId, status: status, value: value, channels: waiting))
        }
        return found
    }

    private func difference(
        _ kind: Reconciler.Kind, order: GiftCardOrder, orderId: String, status: String?, value: Int?,
        channels: [String]? = nil
    ) -> Reconciler.Difference {
        Reconciler.Difference(
            topupId: orderId, kind: kind, status: status, localStatus: order.status.rawValue, value: value,
            topupRef: order.details.ref, userId: order.order.userId.rawValue, channels: channels,
            product: ProductLineID.giftCard.rawValue, orderId: orderId, ref: order.details.ref)
    }

    /// The DZD at stake in an upstream order: its price per card times the cards bought (all of them
    /// while it is open, those that came once it is final); nil when no price is known.
    static func amount(_ item: Listed, price: Double?) -> Int? {
        amount(
            price: item.pricePerCard ?? price, quantity: item.quantity,
            fulfilled: item.status.isFinal ? item.fulfilledQuantity : nil)
    }

    static func amount(price: Double?, quantity: Int, fulfilled: Int?) -> Int? {
        guard let price, price.isFinite else { return nil }
        return Int((price * Double(fulfilled ?? quantity)).rounded())
    }
}
