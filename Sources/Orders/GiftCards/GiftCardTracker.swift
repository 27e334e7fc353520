import Audit
import BitaqaCore
import CardVault
import CoreMetrics
import Logging

/// Follows gift-card orders: finds an unanswered `placeOrder` in the upstream's list (``resolve(_:)``)
/// and checks placed orders until they are final, then seals their cards and queues their delivery in
/// the one transaction that records the outcome.
///
/// Every change is conditional on the state it leaves (``GiftCardRepository``), so two workers that
/// look at one order at once cannot both record it.
public struct GiftCardTracker: Sendable {
    let context: DomainContext
    let upstream: any GiftCardUpstream
    let vault: CardVault
    let schedule: GiftCardSchedule
    let logger: Logger
    let metrics: GiftCardMetrics
    /// Verifies that a tracked order's upstream id is the one bound to it before any card is stored.
    let binder: ContactBinder
    /// From how many placed orders due at once the list is read instead of one `checkOrder` each.
    var listThreshold = 3

    public init(
        context: DomainContext, upstream: any GiftCardUpstream, vault: CardVault, schedule: GiftCardSchedule,
        logger: Logger, metrics: GiftCardMetrics = GiftCardMetrics(factory: NOOPMetricsHandler.instance)
    ) {
        self.metrics = metrics
        self.binder = ContactBinder(ring: vault.keyRing)
        self.context = context
        self.upstream = upstream
        self.vault = vault
        self.schedule = schedule
        self.logger = logger
    }

    /// Looks at every due order once; how many were due.
    @discardableResult
    public func pass(limit: Int = 50) async throws -> Int {
        let due = try await context.repositories.giftCards.due(now: context.time.now(), limit: limit)
        let handling = due.filter { $0.status == .handling && $0.details.orderId != nil }
        // Several placed orders due at once: one look at the list answers for all it holds, and only
        // the ones it does not hold are asked about one by one.
        let answered = handling.count >= listThreshold ? try await checkByList(handling) : []
        for order in due where !answered.contains(order.details.ref) {
            do {
                switch order.status {
                case .placing: try await resolve(order)
                case .handling: try await check(order)
                default:
                    try await context.repositories.giftCards.recordCheck(
                        ref: order.details.ref, nextCheckAt: nil, now: context.time.now())
                }
            } catch let error as UpstreamError {
                let now = context.time.now()
                logger.info(
                    "gift-card check deferred", metadata: ["ref": "\(order.details.ref)", "error": "\(error)"])
                try await context.repositories.giftCards.recordCheck(
                    ref: order.details.ref, nextCheckAt: now + schedule.pollInterval.inMilliseconds, now: now)
            }
        }
        return due.count
    }

    /// A `PLACING` order: looked for in the upstream's list. One match: placed. Several: `UNCERTAIN`.
    /// None, once `resolveAfter` has passed since the attempt: `NOT_PLACED`. None before: look again.
    public func resolve(_ order: GiftCardOrder) async throws {
        let details = order.details
        let start = details.placeAttemptedAt ?? order.order.createdAt
        let candidates = try await candidates(for: details, since: start)
        let repositories = context.repositories
        let now = context.time.now()
        // Another order of the same product, type and quantity whose `placeOrder` is still in flight may
        // be the one the list shows: its answer, seconds away, settles whose it is. Look again then.
        if !candidates.isEmpty, try await placementInFlight(like: order, now: now) {
            return try await repositories.giftCards.recordCheck(
                ref: details.ref, nextCheckAt: now + schedule.pollInterval.inMilliseconds, now: now)
        }
        if candidates.count == 1, let found = candidates.first {
            try await repositories.transaction { [trail = context.trail] transaction in
                guard
                    try await repositories.giftCards.recordPlaced(
                        ref: details.ref, orderId: found.orderId,
                        binding: binder.bind(giftCardOrder: order, to: found.orderId), nextCheckAt: now, now: now,
                        in: transaction)
                else { return }
                var event = AuditEvent.statusChanged(order.key, from: .placing, to: .handling)
                event.details["orderId"] = found.orderId
                event.details["foundIn"] = "list"
                try await trail.append(event, now: now, in: transaction)
            }
            metrics.resolution("found")
            logger.info("unanswered gift-card order found upstream", metadata: ["ref": "\(details.ref)"])
            return
        }
        let settled = now - start >= schedule.resolveAfter.inMilliseconds
        guard candidates.count > 1 || settled else {
            return try await repositories.giftCards.recordCheck(
                ref: details.ref, nextCheckAt: now + schedule.pollInterval.inMilliseconds, now: now)
        }
        let status: OrderStatus = candidates.isEmpty ? .notPlaced : .uncertain
        try await repositories.transaction { [trail = context.trail] transaction in
            guard
                try await repositories.giftCards.recordUnresolved(
                    ref: details.ref, status: status, candidates: candidates, now: now, in: transaction)
            else { return }
            var event = AuditEvent.statusChanged(order.key, from: .placing, to: status)
            event.details["candidates"] = candidates.map(\.orderId).joined(separator: ",")
            if status == .notPlaced {
                // Nothing was bought: the buyer is told, with the not-placed notice.
                let notices = try await repositories.pipeline.insertDeliveries(
                    order.key, channels: order.order.channels, purpose: .refundNotice, now: now, in: transaction)
                event.details[AuditEvent.deliveriesKey] = notices.joined(separator: ",")
            }
            try await trail.append(event, now: now, in: transaction)
        }
        metrics.resolution(status == .notPlaced ? "not_placed" : "uncertain")
        logger.warning(
            "unanswered gift-card order resolved", metadata: ["ref": "\(details.ref)", "status": "\(status.rawValue)"])
    }

    /// Whether another `PLACING` order like this one was stored moments ago and has no unanswered attempt
    /// recorded: its `placeOrder` is being sent and will answer.
    func placementInFlight(like order: GiftCardOrder, now: Int64) async throws -> Bool {
        let recent = now - schedule.clockSlack.inMilliseconds
        return try await context.repositories.giftCards.search(GiftCardSearch(status: .placing, limit: 200)).contains {
            $0.details.ref != order.details.ref && $0.details.placeAttemptedAt == nil && $0.order.createdAt > recent
                && $0.details.productId == order.details.productId && $0.details.typeId == order.details.typeId
                && $0.details.quantity == order.details.quantity
        }
    }

    /// The upstream's orders that may be this one: same product, type and quantity, created since the
    /// attempt (give or take the clocks' slack), and not already another order's.
    func candidates(for details: GiftCardDetails, since start: Int64) async throws -> [GiftCardCandidate] {
        let from = start - schedule.clockSlack.inMilliseconds
        let to = context.time.now() + schedule.clockSlack.inMilliseconds
        var matches: [GiftCardOrderState] = []
        var page = 1
        while page <= 20 {
            // The page holds every code of every order in it: only the ids and facts below are kept.
            let listed = try await upstream.list(from: from, to: to, page: page, pageSize: 100)
            matches += listed.items.filter {
                $0.productId == details.productId && $0.typeId == details.typeId && $0.quantity == details.quantity
                    && $0.createdAt >= from
            }
            if page >= listed.totalPages { break }
            page += 1
        }
        let known = try await context.repositories.giftCards.knownOrderIds(matches.map(\.orderId))
        return matches.filter { !known.contains($0.orderId) }.map {
            GiftCardCandidate(
                orderId: $0.orderId, createdAt: $0.createdAt, quantity: $0.quantity, status: "\($0.status)")
        }
    }

    /// A `HANDLING` order: asked about by its id; once final, its cards are sealed and stored with the
    /// outcome, its deliveries queued and its events appended, all in one transaction.
    public func check(_ order: GiftCardOrder) async throws {
        guard let orderId = order.details.orderId else { return }
        try await apply(try await upstream.checkOrder(orderId), to: order)
    }

    /// Records what the upstream says of a placed order (by `checkOrder` or by its list).
    func apply(_ state: GiftCardOrderState, to order: GiftCardOrder) async throws {
        let now = context.time.now()
        guard binder.verifies(giftCardOrder: order), state.orderId == order.details.orderId else {
            return try await refuseUnbound(order, now: now)
        }
        if case .unknown = state.status { metrics.check("UNKNOWN") } else { metrics.check("\(state.status)") }
        let status: OrderStatus
        switch state.status {
        case .fulfilled: status = .fulfilled
        case .partiallyFilled: status = .partiallyFilled
        case .refunded: status = .refunded
        case .handling, .unknown:
            return try await context.repositories.giftCards.recordCheck(
                ref: order.details.ref, nextCheckAt: schedule.nextCheck(createdAt: order.order.createdAt, now: now),
                now: now)
        }
        // FULFILLED must carry its cards; a PARTIALLY_FILLED with none came to nothing, like a refund.
        if status == .fulfilled && state.cards.isEmpty {
            logger.warning(
                "gift-card order final without its cards; checking again", metadata: ["ref": "\(order.details.ref)"])
            return try await context.repositories.giftCards.recordCheck(
                ref: order.details.ref, nextCheckAt: now + schedule.pollInterval.inMilliseconds, now: now)
        }
        let sealed = try seal(status == .refunded ? [] : state.cards, of: order)
        let outcome = GiftCardOutcome(
            status: status, fulfilledQuantity: sealed.count,
            pricePerCard: state.pricePerCard, cards: sealed)
        try await record(outcome, of: order, now: now)
    }

    /// An order whose upstream id is not the one bound to it (changed in the database by someone without
    /// the key): no card is stored, tracking stops, and the refusal is audited; the order then counts
    /// among the stuck ones, which alerts the merchant.
    private func refuseUnbound(_ order: GiftCardOrder, now: Int64) async throws {
        logger.error(
            "gift-card order's upstream id is not the one bound to it; no card stored",
            metadata: ["ref": "\(order.details.ref)"])
        metrics.check("UNBOUND")
        try await context.trail.append(
            AuditEvent(
                .accessDenied, topupId: order.key, actor: "tracker",
                details: ["reason": "gift_card_order_unbound", "orderId": order.details.orderId ?? ""]),
            now: now)
        try await context.repositories.giftCards.recordCheck(ref: order.details.ref, nextCheckAt: nil, now: now)
    }

    func seal(_ cards: [GiftCardSecret], of order: GiftCardOrder) throws -> [SealedGiftCard] {
        try cards.enumerated().map { index, card in
            let position = index + 1
            let code = try vault.seal(
                card.code, giftCardOf: order.key, userId: order.order.userId, position: position, part: .code)
            let serial = try card.serial.map {
                try vault.seal($0, giftCardOf: order.key, userId: order.order.userId, position: position, part: .serial)
            }
            return SealedGiftCard(position: position, code: code.bytes, serial: serial?.bytes, keyID: code.keyID.hex)
        }
    }

    private func record(_ outcome: GiftCardOutcome, of order: GiftCardOrder, now: Int64) async throws {
        let repositories = context.repositories
        let ref = order.details.ref
        try await repositories.transaction { [trail = context.trail] transaction in
            guard try await repositories.giftCards.recordOutcome(ref: ref, outcome, now: now, in: transaction) else {
                return
            }
            let purpose: DeliveryPurpose = outcome.cards.isEmpty ? .refundNotice : .card
            let deliveries = try await repositories.pipeline.insertDeliveries(
                order.key, channels: order.order.channels, purpose: purpose, now: now, in: transaction)
            var event = AuditEvent.statusChanged(order.key, from: .handling, to: outcome.status)
            event.details["fulfilledQuantity"] = "\(outcome.fulfilledQuantity)"
            event.details["quantity"] = "\(order.details.quantity)"
            if outcome.cards.isEmpty { event.details[AuditEvent.deliveriesKey] = deliveries.joined(separator: ",") }
            try await trail.append(event, now: now, in: transaction)
            if !outcome.cards.isEmpty {
                let stored = AuditEvent(
                    .cardStored, topupId: order.key, actor: "tracker",
                    details: [
                        "key_id": outcome.cards.first?.keyID ?? "", "cards": "\(outcome.cards.count)",
                        "product": ProductLineID.giftCard.rawValue, "status": outcome.status.rawValue,
                        AuditEvent.deliveriesKey: deliveries.joined(separator: ","),
                    ])
                try await trail.append(stored, now: now, in: transaction)
            }
        }
        metrics.stored(outcome.cards.count)
        logger.info(
            "gift-card order final",
            metadata: ["ref": "\(ref)", "status": "\(outcome.status.rawValue)", "cards": "\(outcome.cards.count)"])
    }
}
