import BitaqaCore
import Messaging

extension Deliverer {
    /// The message of a gift-card order's delivery: its cards (every code and serial, each opened for
    /// its position), or the notice that none came. Nil when the delivery was failed here instead (no
    /// cards stored, a card unreadable), with its reason recorded as for a top-up.
    func giftCardMessage(
        _ record: OrderRecord, delivery: DeliveryRecord, recipient: String, masked: String
    ) async throws -> OutgoingMessage? {
        guard let ref = record.topupRef, let order = try await context.repositories.giftCards.find(ref: ref) else {
            try await fail(delivery, reason: "the gift-card order's details are missing", reasonClass: "no_card")
            return nil
        }
        let details = order.details
        let facts = GiftCardOrderFacts(
            orderKey: order.key, ref: details.ref, productId: details.productId, productTitle: details.productTitle,
            typeName: details.typeName, quantity: details.quantity, locale: record.locale)
        switch delivery.purpose {
        case .card:
            let sealed = try await context.repositories.giftCards.cards(ofRef: ref)
            guard !sealed.isEmpty else {
                try await fail(
                    delivery, reason: "the order has no stored card", reasonClass: "no_card", recipient: masked)
                return nil
            }
            let opened: [GiftCard]
            do {
                opened = try await cards.open(sealed, of: order, requestID: nil, logger: logger)
            } catch {
                try await fail(
                    delivery, reason: "a stored card cannot be read (see CARD_UNREADABLE)",
                    reasonClass: "card_unreadable", recipient: masked)
                return nil
            }
            let linkExpiresAt = context.time.now() + MessageComposer.cardLinkLifetime.inMilliseconds
            // Email: the link only in link mode. SMS: the code of a single card, else the reveal link.
            let linkMaker = delivery.channel == .sms && opened.count > 1 ? revealLink ?? emailLink : emailLink
            let link = linkMaker?(order.key, record.userId, record.contactBinding?.mac)
            return try? GiftCardMessages.cards(
                GiftCardDelivery(order: facts, cards: opened), channel: delivery.channel, recipient: recipient,
                link: link, linkExpiresAt: link == nil ? nil : linkExpiresAt, shop: shop)
        case .refundNotice where record.status == .notPlaced:
            return try? GiftCardMessages.notPlacedNotice(
                facts, channel: delivery.channel, recipient: recipient, shop: shop)
        case .refundNotice, .delayNotice:
            return try? GiftCardMessages.refundNotice(
                facts, channel: delivery.channel, recipient: recipient, shop: shop)
        }
    }
}
