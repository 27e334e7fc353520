import Audit
import BitaqaCore
import CardVault
import Foundation
import Logging
import Messaging
import ServiceLifecycle

/// Hands due deliveries to their channels.
///
/// Each pass claims due delivery rows (a lease: no other worker takes them), opens the card in memory,
/// renders the message and sends it. Success is recorded with the provider's message id and audited in
/// one transaction; a temporary failure schedules a retry with capped, jittered backoff; a permanent one,
/// or too many attempts, records `failed` with a reason that never holds the card.
///
/// A crash between the channel accepting a message and the success being recorded sends that one message
/// again after the lease expires: the only case of a repeat, and recognisable by its stable message id.
public struct Deliverer: Service {
    let context: DomainContext
    let cards: CardReader
    /// Checks that the order's contacts are the ones bound at registration before anything is sent.
    let binder: ContactBinder
    let channels: [DeliveryChannel: any MessageChannel]
    let backoff: DeliveryBackoff
    /// When set (`BITAQA_EMAIL_MODE=link`), emails carry this link to the reveal page instead of the code.
    let emailLink: (@Sendable (TopupID, UserID, String?) -> String)?
    /// A link to the reveal page whatever the email mode: what an SMS carries when the cards do not fit
    /// it (a gift-card order of several cards).
    let revealLink: (@Sendable (TopupID, UserID, String?) -> String)?
    var time: TimeSource { context.time }
    let logger: Logger
    let metrics: PipelineMetrics
    let owner: String
    let batchSize: Int
    let concurrency: Int
    let lease: Duration
    let idle: Duration
    let wake: WorkSignal?
    /// This process's heartbeat, checked before a message goes out; nil where there is none (tests).
    let liveness: WorkerLiveness?
    /// The shop, named in every message.
    let shop: ShopIdentity
    /// The product line whose messages this deliverer writes.
    let line: any SingleCodeLine
    let orphans = OrphanedClaims()

    /// How much one deliverer takes on at once, and how long it holds and rests.
    public struct Limits: Sendable {
        public var batchSize = 20
        public var concurrency = 8
        public var lease = Duration.seconds(120)
        public var idle = Duration.milliseconds(250)

        public init() {}
    }

    public init(
        context: DomainContext, cards: CardReader, binder: ContactBinder,
        channels: [DeliveryChannel: any MessageChannel], backoff: DeliveryBackoff,
        emailLink: (@Sendable (TopupID, UserID, String?) -> String)?, limits: Limits, logger: Logger,
        metrics: PipelineMetrics, owner: String, wake: WorkSignal?, liveness: WorkerLiveness?, shop: ShopIdentity,
        line: any SingleCodeLine, revealLink: (@Sendable (TopupID, UserID, String?) -> String)? = nil
    ) {
        self.revealLink = revealLink
        self.context = context
        self.cards = cards
        self.binder = binder
        self.channels = channels
        self.backoff = backoff
        self.emailLink = emailLink
        self.logger = logger
        self.metrics = metrics
        self.owner = owner
        self.batchSize = limits.batchSize
        self.concurrency = limits.concurrency
        self.lease = limits.lease
        self.idle = limits.idle
        self.wake = wake
        self.liveness = liveness
        self.shop = shop
        self.line = line
    }

    public func run() async throws {
        await WorkLoop.run(name: "delivery", logger: logger, wake: wake, rest: { idle }, pass: { try await pass() })
    }

    /// Claims one batch of due deliveries and attempts each; returns how many were claimed.
    @discardableResult
    public func pass() async throws -> Int {
        await orphans.releaseAll { [leases = context.repositories.leases, owner, time] id in
            try await leases.release(.deliveries, key: id, owner: owner, nextDue: time.now())
        }
        // Claiming now would only lead to releasing at the fence below, at once and over again (a hot
        // loop seen after a freeze): wait for the heartbeat to catch up first.
        if let liveness, liveness.mayHaveLapsed(at: time.now()) { return 0 }
        let claimed = try await context.repositories.leases.claim(
            .deliveries, owner: owner, now: time.now(), leaseMillis: lease.inMilliseconds, limit: batchSize
        )
        await WorkLoop.forEach(claimed, limit: concurrency) { await self.attempt($0) }
        return claimed.count
    }

    /// Whether an authenticated event of the order (`CARD_STORED`, `RESEND_REQUESTED`, `STATUS_CHANGED` to
    /// `REFUNDED`) names this delivery.
    static func queuedByBitaqa(_ delivery: DeliveryRecord, trail: AuditTrail) async throws -> Bool {
        try await trail.authenticatedEvents(of: delivery.topupId).contains { record in
            record.event.details[AuditEvent.deliveriesKey]?.split(separator: ",").contains { $0 == delivery.id } == true
        }
    }

    func attempt(_ id: String) async {
        var sending = false
        do {
            try await attemptOrThrow(id, sending: &sending)
        } catch {
            if !sending { orphans.add(id) }
            logger.error(
                "delivery attempt failed", metadata: ["delivery_id": "\(id)", "error.type": "\(type(of: error))"])
        }
    }

    /// Sets `sending` once the message is handed to the channel: from then on an error keeps the lease.
    private func attemptOrThrow(_ id: String, sending: inout Bool) async throws {
        let repositories = context.repositories
        let pipeline = repositories.pipeline
        try await pipeline.markSending(id, owner: owner, now: time.now())
        guard let delivery = try await pipeline.delivery(id),
            let order = try await repositories.orders.find(delivery.topupId)
        else { return }
        // A sealed contact that does not open for this order was copied from another one (or written
        // without the key): nothing is sent, and the refusal is in the trail.
        if order.unreadableContacts.contains(delivery.channel) {
            return try await fail(
                delivery, reason: "the order's sealed contact does not open for this order",
                reasonClass: "contact_unreadable")
        }
        let recipient = delivery.channel == .email ? order.email : order.phone
        guard let recipient else {
            return try await fail(
                delivery, reason: "no \(delivery.channel == .email ? "email address" : "phone number") on the order",
                reasonClass: "no_contact")
        }
        let masked = ContactRules.masked(recipient, channel: delivery.channel)
        // Someone who can write the database but holds no key could have changed the contact, or queued
        // a delivery to a channel of theirs: the binding made at registration must verify, or nothing is sent.
        if let problem = binder.problem(with: order) {
            return try await fail(
                delivery,
                reason: "the order's contacts do not match the ones bound at registration (\(problem.rawValue))",
                reasonClass: "recipient_not_bound", recipient: masked)
        }
        if context.trail.isKeyed, !(try await Self.queuedByBitaqa(delivery, trail: context.trail)) {
            return try await fail(
                delivery, reason: "no authenticated audit event queued this delivery (written in the database alone)",
                reasonClass: "unauthenticated", recipient: masked)
        }
        guard let channel = channels[delivery.channel] else {
            return try await fail(
                delivery, reason: "the \(delivery.channel.rawValue) channel is not configured",
                reasonClass: "no_channel", recipient: masked)
        }
        let composed: OutgoingMessage?
        switch delivery.purpose {
        case _ where order.productLine == .giftCard:
            guard
                let message = try await giftCardMessage(
                    order, delivery: delivery, recipient: recipient, masked: masked)
            else { return }
            composed = message
        case .card:
            guard let stored = try await repositories.cards.card(of: order.topupId) else {
                return try await fail(
                    delivery, reason: "the order has no stored card", reasonClass: "no_card", recipient: masked)
            }
            let code: CardCode
            do {
                code = try await cards.open(stored, requestID: nil, logger: logger)
            } catch {
                return try await fail(
                    delivery, reason: "the stored card cannot be read (see CARD_UNREADABLE)",
                    reasonClass: "card_unreadable", recipient: masked)
            }
            // Read before the link is made, so the expiry the email states is never later than the token's.
            let linkExpiresAt = context.time.now() + MessageComposer.cardLinkLifetime.inMilliseconds
            composed = try? MessageComposer.card(
                CardDetails(
                    topupId: order.topupId, code: code, transactionNumber: order.transactionNumber,
                    processedDate: order.processedDate, product: line.productName(of: order), number: order.number,
                    value: order.value, locale: order.locale, steps: line.usageSteps(for: order),
                    wording: line.wording),
                channel: delivery.channel, recipient: recipient,
                link: emailLink?(order.topupId, order.userId, order.contactBinding?.mac),
                linkExpiresAt: emailLink == nil ? nil : linkExpiresAt,
                shop: shop
            )
        case .refundNotice:
            composed = try? MessageComposer.refundNotice(
                OrderFacts(
                    topupId: order.topupId, product: line.productName(of: order), number: order.number,
                    locale: order.locale, wording: line.wording),
                channel: delivery.channel, recipient: recipient, shop: shop
            )
        case .delayNotice:
            composed = try? MessageComposer.queuedNotice(
                OrderFacts(
                    topupId: order.topupId, product: line.productName(of: order), number: order.number,
                    locale: order.locale, wording: line.wording),
                channel: delivery.channel, recipient: recipient, shop: shop
            )
        }
        guard let message = composed else {
            return try await fail(
                delivery, reason: "the message could not be rendered", reasonClass: "template", recipient: masked)
        }
        // Fencing: nothing goes out for a claim this process may no longer hold. The database says who
        // holds it now; the heartbeat says whether this process was frozen long enough to be taken for
        // dead (checked last, right before the send, so a pause before this point is caught too).
        guard try await repositories.workers.holds(.deliveries, key: id, owner: owner) else {
            metrics.delivery(delivery.channel, outcome: "claim_lost")
            logger.warning(
                "delivery not sent: its claim passed to another worker",
                metadata: ["topup_id": "\(order.topupId)", "channel": "\(delivery.channel.rawValue)"])
            return
        }
        if let liveness, liveness.mayHaveLapsed(at: time.now()) {
            metrics.delivery(delivery.channel, outcome: "claim_lost")
            logger.warning(
                "delivery not sent: this process missed its heartbeats; the delivery is left to whoever claims it",
                metadata: ["topup_id": "\(order.topupId)", "channel": "\(delivery.channel.rawValue)"])
            try await repositories.leases.release(.deliveries, key: id, owner: owner, nextDue: time.now())
            return
        }
        let providerID: String?
        sending = true
        do throws(DeliveryFailure) {
            providerID = try await channel.send(message)
        } catch {
            if error.isPermanent || delivery.attempts + 1 >= backoff.maxAttempts {
                let reason =
                    error.isPermanent
                    ? error.reason : "gave up after \(delivery.attempts + 1) attempts: \(error.reason)"
                try await fail(
                    delivery, reason: reason, reasonClass: error.isPermanent ? "permanent" : "attempts_exhausted",
                    recipient: masked)
            } else {
                let now = time.now()
                let next = now + backoff.delay(afterAttempts: delivery.attempts + 1).inMilliseconds
                try await pipeline.markRetry(id, owner: owner, error: error.reason, nextAttemptAt: next, now: now)
                metrics.delivery(delivery.channel, outcome: "retry")
                logger.info(
                    "delivery will be retried",
                    metadata: [
                        "topup_id": "\(order.topupId)", "channel": "\(delivery.channel.rawValue)",
                        "reason": "\(error.reason)",
                    ]
                )
            }
            return
        }
        let now = time.now()
        let recorded = try await repositories.transaction { [owner, trail = context.trail] transaction in
            guard
                try await pipeline.markDelivered(
                    id, owner: owner, providerMessageID: providerID, now: now, in: transaction)
            else { return false }
            try await trail.append(
                AuditEvent(
                    .cardDelivered, topupId: order.topupId, actor: "deliverer",
                    details: [
                        "channel": delivery.channel.rawValue, "purpose": delivery.purpose.rawValue,
                        "recipient": masked, "message_id": message.messageID, "provider_message_id": providerID ?? "",
                        "delivery": delivery.id,
                        "attempts": "\(delivery.attempts + 1)",
                    ]
                ),
                now: now, in: transaction
            )
            return true
        }
        guard recorded else {
            // Sent, but the claim had passed to another worker during the send: that worker may send it
            // too. Only the time inside the send can lead here; it is counted so it can be watched.
            metrics.delivery(delivery.channel, outcome: "duplicate_risk")
            logger.warning(
                "delivery sent after its claim passed to another worker; the buyer may receive it twice",
                metadata: ["topup_id": "\(order.topupId)", "channel": "\(delivery.channel.rawValue)"])
            return
        }
        metrics.delivery(delivery.channel, outcome: "delivered")
        if delivery.purpose == .card, let fulfilledAt = try await pipeline.fulfilledAt(order.topupId) {
            metrics.timeToDelivery(delivery.channel, milliseconds: now - fulfilledAt)
        }
        logger.info(
            "delivered",
            metadata: [
                "topup_id": "\(order.topupId)", "channel": "\(delivery.channel.rawValue)",
                "purpose": "\(delivery.purpose.rawValue)",
            ]
        )
    }

    func fail(
        _ delivery: DeliveryRecord, reason: String, reasonClass: String, recipient: String? = nil
    ) async throws {
        let now = time.now()
        let pipeline = context.repositories.pipeline
        try await context.repositories.transaction { [owner, trail = context.trail] transaction in
            guard try await pipeline.markFailed(delivery.id, owner: owner, error: reason, now: now, in: transaction)
            else { return }
            try await trail.append(
                AuditEvent(
                    .deliveryFailed, topupId: delivery.topupId, actor: "deliverer",
                    details: [
                        "channel": delivery.channel.rawValue, "purpose": delivery.purpose.rawValue,
                        "reason": reasonClass, "recipient": recipient ?? "", "attempts": "\(delivery.attempts + 1)",
                        "delivery": delivery.id,
                    ]
                ),
                now: now, in: transaction
            )
        }
        metrics.delivery(delivery.channel, outcome: "failed")
        logger.warning(
            "delivery failed",
            metadata: [
                "topup_id": "\(delivery.topupId)", "channel": "\(delivery.channel.rawValue)", "reason": "\(reason)",
            ])
    }
}
