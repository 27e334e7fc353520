import Audit
import BitaqaCore
import CardVault
import Logging
import Messaging
import Orders

/// A buyer's view of their gift-card orders, for the in-app API and the reveal page: their own and
/// nobody else's, and their cards only once every limit allowed it and the view is audited.
///
/// The gift-card counterpart of ``CustomerOrders`` and ``CardRevealer``. It looks orders up by `ref`
/// in the gift-card repository rather than through ``CustomerOrders/owned(_:by:requestID:clientRequestID:client:resource:)``,
/// whose on-demand check asks the top-up upstream: a gift-card order is followed by its own tracker.
struct GiftCardCustomerOrders: Sendable {
    let domain: DomainContext
    let cards: CardReader
    let denials: DenialRecorder
    let metrics: PipelineMetrics
    /// The sliding window of the reveal limits.
    let window: Duration

    /// The same error, with the same message, as the top-up routes' unknown order: a buyer must not tell
    /// another's order from a missing one.
    static let notFound = PublicError(.orderNotFound, "no such order")

    /// The buyer's gift-card orders, newest first.
    func list(ownedBy userId: UserID, limit: Int = 100) async throws -> [GiftCardOrder] {
        try await domain.repositories.giftCards.search(GiftCardSearch(userId: userId, limit: limit))
    }

    /// The buyer's order named `ref`. The ownership check is part of the lookup: one read whatever the
    /// answer, so another's order and a missing one are the same `ORDER_NOT_FOUND` after the same work;
    /// the former is counted for an `ACCESS_DENIED` event (``DenialRecorder``), off the response path.
    ///
    /// - Parameter resource: what was asked for (`order`, `cards` or `link`), for the audit event.
    func owned(
        _ ref: String, by userId: UserID, requestID: String, clientRequestID: String?, client: String,
        resource: String
    ) async throws -> GiftCardOrder {
        guard GiftCardKey.key(for: ref) != nil, let order = try await domain.repositories.giftCards.find(ref: ref)
        else { throw Self.notFound }
        guard order.order.userId == userId else {
            denials.record(
                order.key, userId: userId, requestID: requestID, clientRequestID: clientRequestID, client: client,
                resource: resource)
            throw Self.notFound
        }
        return order
    }

    /// The order a verified reveal token names, as ``CustomerOrders/linked(_:tokens:requestID:client:)``
    /// finds a top-up's: only the token's buyer's, and only while its contacts are those the link was
    /// made for. Nil for anything else.
    func linked(
        _ named: (topupId: TopupID, userId: UserID, contacts: String), requestID: String, client: String
    ) async throws -> GiftCardOrder? {
        let ref = String(named.topupId.rawValue.dropFirst(GiftCardKey.prefix.count))
        let order: GiftCardOrder
        do {
            order = try await owned(
                ref, by: named.userId, requestID: requestID, clientRequestID: nil, client: client, resource: "link")
        } catch let error as PublicError where error.code == .orderNotFound {
            return nil
        }
        guard RevealTokens.contactsTag(order.order.contactBinding?.mac) == named.contacts else { return nil }
        return order
    }

    /// Every card that came for the order, once every limit allowed it and its `CARD_VIEWED` is
    /// committed: the rule of ``CardRevealer/reveal(_:to:buckets:logger:)``, for several cards.
    ///
    /// - Parameter buckets: the rate-limit buckets to charge, with their limits (0: no limit).
    func reveal(
        _ order: GiftCardOrder, to viewer: CardRevealer.Viewer, buckets: [(String, Int)], logger: Logger
    ) async throws -> [GiftCard] {
        let locale = order.order.locale
        guard order.status.hasCards else { throw Self.notReady(order.status, locale: locale) }
        let now = domain.time.now()
        for (bucket, limit) in buckets {
            let decision = try await domain.repositories.rateLimits.hit(
                bucket, limit: limit, windowMillis: window.inMilliseconds, now: now)
            if case .limited(let retry) = decision {
                throw PublicError(.rateLimited, BuyerMessage.tooManyViews(locale), retryAfter: retry)
            }
        }
        let sealed = try await domain.repositories.giftCards.cards(ofRef: order.details.ref)
        // A final order with cards holds at least one: none stored is a fault, not an empty answer.
        guard !sealed.isEmpty else { throw PublicError(.internalError, "internal error") }
        let opened = try await cards.open(sealed, of: order, requestID: viewer.requestID, logger: logger)
        var details = [
            "channel": viewer.channel, "client": viewer.address,
            "user_agent": String((viewer.userAgent ?? "").prefix(200)),
            "product": ProductLineID.giftCard.rawValue, "cards": "\(opened.count)",
        ]
        // The trail's request id is always the service's; the caller's own is kept apart.
        if let client = viewer.clientRequestID { details["client_request_id"] = client }
        do {
            try await cards.recordView(
                AuditEvent(
                    .cardViewed, topupId: order.key, actor: viewer.userID.rawValue, requestID: viewer.requestID,
                    details: details),
                now: now)
        } catch {
            logger.error("card view not audited; cards withheld", metadata: ["topup_id": "\(order.key)"])
            throw PublicError(.internalError, "internal error")
        }
        metrics.reveal(channel: viewer.channel)
        return opened
    }

    /// `ORDER_NOT_READY` in the format of ``PublicError/notReady(_:locale:)`` (the status, then what it
    /// means), worded for gift cards: the top-up sentences would call a never-placed order "processing".
    static func notReady(_ status: OrderStatus, locale: CustomerLocale) -> PublicError {
        let noCards = status == .refunded || status == .notPlaced
        let sentence =
            switch (noCards, locale) {
            case (true, .en): "no card was delivered for this order; please contact the shop"
            case (true, .fr): "aucune carte n'a été livrée pour cette commande ; veuillez contacter la boutique"
            case (true, .ar): "لم تُسلَّم أي بطاقة لهذا الطلب؛ يرجى التواصل مع المتجر"
            case (false, .en): "the order is being processed; please wait a few seconds"
            case (false, .fr): "la commande est en cours de traitement ; veuillez patienter quelques secondes"
            case (false, .ar): "الطلب قيد المعالجة؛ يرجى الانتظار بضع ثوانٍ"
            }
        return PublicError(.orderNotReady, status.rawValue + ": " + sentence)
    }
}
