import Audit
import BitaqaCore
import Foundation

/// Compares the upstream's history of top-ups for a window with Bitaqa's orders: what the account paid
/// for that Bitaqa does not know, what Bitaqa knows that the upstream does not, statuses that disagree,
/// and fulfilled cards whose delivery did not end `delivered`. Reads only; ``adopt(_:actor:requestID:)``
/// registers what was found untracked. With `giftCards`, the upstream's gift-card orders of the window
/// are compared with Bitaqa's too (``GiftCardReconciliation``); gift-card orders never meet the top-ups'
/// history.
public struct Reconciler: Sendable {
    let context: DomainContext
    let client: any InternetUpstream
    let registrar: OrderRegistrar
    let giftCards: (any GiftCardUpstream)?

    public init(
        context: DomainContext, client: any InternetUpstream, registrar: OrderRegistrar,
        giftCards: (any GiftCardUpstream)? = nil
    ) {
        self.context = context
        self.client = client
        self.registrar = registrar
        self.giftCards = giftCards
    }

    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// Bought upstream, unknown here.
        case untracked
        /// Known here, absent upstream.
        case missingUpstream = "missing_upstream"
        /// Both know it, with different statuses.
        case statusMismatch = "status_mismatch"
        /// FULFILLED, and a card delivery is still pending or sending.
        case undelivered
        /// FULFILLED, and a card delivery ended failed.
        case failedDelivery = "failed_delivery"
    }

    /// One top-up or gift-card order that differs. Never a card code.
    public struct Difference: Sendable, Equatable, Codable {
        /// The top-up's id; for a gift-card order, the upstream's `orderId`.
        public let topupId: String
        public let kind: Kind
        /// The upstream's status; nil when the upstream does not know the top-up.
        public let status: String?
        /// Bitaqa's status; nil when Bitaqa does not know the top-up.
        public let localStatus: String?
        /// The card's value in DZD, when known.
        public let value: Int?
        public let topupRef: String?
        public let userId: String?
        /// For delivery kinds: the channels concerned, e.g. `email`.
        public let channels: [String]?
        /// The product line: `internet`, or `gift-card`.
        public var product: String? = ProductLineID.internet.rawValue
        /// Gift cards: the upstream's id of the order, and the shop's `ref` when Bitaqa holds the order.
        public var orderId: String?
        public var ref: String?
    }

    public struct Total: Sendable, Equatable, Codable {
        public var count = 0
        /// DZD at stake: the sum of the known values.
        public var amount = 0

        public init() {}
    }

    public struct Report: Sendable, Codable {
        public let from: String
        public let to: String
        /// Top-ups the upstream listed in the window, and orders Bitaqa registered in it.
        public let upstreamCount: Int
        public let localCount: Int
        /// Upstream items without an id, which could not be compared.
        public let unreadable: Int
        public let differences: [Difference]
        /// Gift-card orders the upstream listed in the window, and those Bitaqa registered in it; nil
        /// when the gift cards were not compared.
        public var giftCardUpstreamCount: Int?
        public var giftCardLocalCount: Int?

        public var totals: [String: Total] {
            var totals = Dictionary(uniqueKeysWithValues: Kind.allCases.map { ($0.rawValue, Total()) })
            var all = Total()
            for difference in differences {
                totals[difference.kind.rawValue]?.count += 1
                totals[difference.kind.rawValue]?.amount += difference.value ?? 0
                all.count += 1
                all.amount += difference.value ?? 0
            }
            totals["all"] = all
            return totals
        }
    }

    /// Compares the window `from...to` (milliseconds since 1970). `progress` hears (page, pages) as the
    /// upstream's history is read.
    public func run(from: Int64, to: Int64, progress: @Sendable (Int, Int) -> Void = { _, _ in }) async throws
        -> Report
    {
        var upstream: [String: TopupStatus] = [:]
        var unreadable = 0
        var page = 1
        while true {
            let result = try await client.list(from: from, to: to, page: page, pageSize: 100)
            for item in result.items { if let id = item.topupId { upstream[id] = item } }
            unreadable += result.unreadable
            progress(page, result.totalPages)
            if page >= result.totalPages || (result.items.isEmpty && result.unreadable == 0) { break }
            page += 1
        }
        let orders = context.repositories.orders
        let window = try await orders.orders(createdFrom: from, to: to)
        let local = window.filter { !GiftCardReconciliation.isGiftCard($0) }
        let listedHere = try await orders.find(upstream.keys.compactMap(TopupID.init))
        var known: [String: OrderRecord] = [:]
        for order in local + listedHere { known[order.topupId.rawValue] = order }
        let deliveries = try await orders.deliveries(of: known.values.filter { $0.status == .fulfilled }.map(\.topupId))

        var differences: [Difference] = []
        for (id, item) in upstream {
            guard let order = known[id] else {
                differences.append(
                    Difference(
                        topupId: id, kind: .untracked, status: item.status.description, localStatus: nil,
                        value: item.amount, topupRef: item.ref, userId: nil, channels: nil))
                continue
            }
            differences += compare(order, upstream: item.status.description, deliveries: deliveries)
        }
        // Registered here near the window's edge but recorded upstream just outside it, or truly absent:
        // the upstream's own answer for the one top-up decides.
        for order in local where upstream[order.topupId.rawValue] == nil {
            let answer: Result<TopupStatus, UpstreamError>
            do {
                answer = .success(try await client.checkID(order.topupId.rawValue))
            } catch {
                answer = .failure(error)
            }
            switch answer {
            case .success(let status):
                differences += compare(order, upstream: status.status.description, deliveries: deliveries)
            case .failure(let error) where error.isNotFound:
                differences.append(
                    Difference(
                        topupId: order.topupId.rawValue, kind: .missingUpstream, status: nil,
                        localStatus: order.status.rawValue, value: order.value, topupRef: order.topupRef,
                        userId: order.userId.rawValue, channels: nil))
            case .failure(let error):
                throw error
            }
        }
        var giftCardCounts: GiftCardReconciliation.Outcome?
        if let giftCards {
            let outcome = try await GiftCardReconciliation(context: context, upstream: giftCards).run(
                from: from, to: to, local: window.filter(GiftCardReconciliation.isGiftCard))
            differences += outcome.differences
            unreadable += outcome.unreadable
            giftCardCounts = outcome
        }
        differences.sort { ($0.kind.rawValue, $0.topupId) < ($1.kind.rawValue, $1.topupId) }
        return Report(
            from: Timestamp.iso8601(from), to: Timestamp.iso8601(to), upstreamCount: upstream.count,
            localCount: local.count, unreadable: unreadable, differences: differences,
            giftCardUpstreamCount: giftCardCounts?.upstreamCount, giftCardLocalCount: giftCardCounts?.localCount)
    }

    private func compare(_ order: OrderRecord, upstream status: String, deliveries: [TopupID: [DeliveryRecord]])
        -> [Difference]
    {
        func difference(_ kind: Kind, channels: [String]? = nil) -> Difference {
            Difference(
                topupId: order.topupId.rawValue, kind: kind, status: status, localStatus: order.status.rawValue,
                value: order.value, topupRef: order.topupRef, userId: order.userId.rawValue, channels: channels)
        }
        guard status == order.status.rawValue else { return [difference(.statusMismatch)] }
        guard order.status == .fulfilled else { return [] }
        let cards = (deliveries[order.topupId] ?? []).filter { $0.purpose == .card }
        var found: [Difference] = []
        let failed = cards.filter { $0.state == .failed }.map(\.channel.rawValue)
        if !failed.isEmpty { found.append(difference(.failedDelivery, channels: failed)) }
        let waiting = cards.filter { $0.state == .pending || $0.state == .sending }.map(\.channel.rawValue)
        if !waiting.isEmpty { found.append(difference(.undelivered, channels: waiting)) }
        return found
    }

    /// Registers each `untracked` top-up for tracking, with no contact (in-app only, under the user id
    /// `adopted` until the merchant corrects the contact), audited as `ORDER_REGISTERED` by `actor`.
    /// Returns the ids registered. Untracked gift-card orders are left alone: one needs its buyer, and
    /// the merchant registers it with `POST /v1/gift-card-orders/register`.
    public func adopt(_ report: Report, actor: String, requestID: String?) async throws -> [TopupID] {
        var adopted: [TopupID] = []
        for difference in report.differences
        where difference.kind == .untracked && difference.product != ProductLineID.giftCard.rawValue {
            guard let topupId = TopupID(difference.topupId), let user = UserID("adopted") else { continue }
            var order = NewOrder(
                topupId: topupId, topupRef: difference.topupRef, userId: user, value: difference.value,
                locale: .fr, channels: [], fingerprint: "")
            order.fingerprint = OrderFingerprint.of(order)
            let registered = try await registrar.register(
                order, event: .orderRegistered, actor: actor, requestID: requestID)
            if registered.created { adopted.append(topupId) }
        }
        return adopted
    }
}
