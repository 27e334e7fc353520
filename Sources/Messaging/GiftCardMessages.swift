import BitaqaCore
import Mustache

/// One card of a gift-card order: its code, and its serial when the upstream gave one. The upstream's
/// guide calls both sensitive, so both are ``CardCode``s: they print redacted everywhere.
public struct GiftCard: Sendable, Hashable {
    public let code: CardCode
    public let serial: CardCode?

    public init(code: CardCode, serial: CardCode? = nil) {
        self.code = code
        self.serial = serial
    }
}

/// A gift-card order as its buyer knows it, for every message about it. No price: the upstream's
/// `price` is the shop's wholesale price, never shown to buyers, and the face value is in `typeName`.
public struct GiftCardOrderFacts: Sendable {
    /// The order's key in message ids and ``OutgoingMessage/topupId`` (the upstream's `orderId`, or the
    /// key the order is stored under while it has none); never shown to the buyer.
    public let orderKey: TopupID
    /// The shop's own order number (`ref`), which the buyer quotes to the shop.
    public let ref: String
    public let productId: String
    /// The product as the catalogue names it (`PlayStation Network`).
    public let productTitle: String
    /// The type ordered, with its face value (`PSN 1000 DA`).
    public let typeName: String
    /// The cards ordered.
    public let quantity: Int
    public let locale: CustomerLocale

    public init(
        orderKey: TopupID, ref: String, productId: String, productTitle: String, typeName: String, quantity: Int,
        locale: CustomerLocale
    ) {
        self.orderKey = orderKey
        self.ref = ref
        self.productId = productId
        self.productTitle = productTitle
        self.typeName = typeName
        self.quantity = quantity
        self.locale = locale
    }
}

/// The cards that came for an order (all of them, or part of it when `PARTIALLY_FILLED`) and how to
/// redeem them.
public struct GiftCardDelivery: Sendable {
    public let order: GiftCardOrderFacts
    /// In the upstream's order; a message numbers them from 1.
    public let cards: [GiftCard]
    /// How to redeem them, in the order's language.
    public let steps: [String]

    /// `steps` defaults to the product's brand's steps (``GiftCardRedemption``).
    public init(order: GiftCardOrderFacts, cards: [GiftCard], steps: [String]? = nil) {
        self.order = order
        self.cards = cards
        self.steps =
            steps
            ?? GiftCardRedemption.steps(productId: order.productId, title: order.productTitle, locale: order.locale)
    }

    /// The cards that came: the upstream's `fulfilled_quantity`.
    public var fulfilledQuantity: Int { cards.count }
    /// Fewer cards came than were ordered; the rest's money went back to the shop's balance.
    public var isPartial: Bool { cards.count < order.quantity }
}

/// Renders the gift-card line's messages, as ``MessageComposer`` does the internet line's.
public enum GiftCardMessages {
    /// A cards message was asked for an order with no card: a caller's mistake, never sent.
    public struct NoCards: Error, Sendable {
        public let orderKey: TopupID
    }

    /// The cards message, with the partial note when fewer cards came than were ordered.
    ///
    /// Email: every code and serial, numbered; with `link` (`BITAQA_EMAIL_MODE=link`) the link and its
    /// expiry (`linkExpiresAt`, milliseconds since 1970, Algiers time) instead, and no code.
    /// SMS: the code (and serial) when exactly one card came and there is no `link`; otherwise the link
    /// when one is given (in link mode, or one made for the SMS because several codes do not fit it),
    /// and when none is, a pointer to the email and the shop's customer area, which always shows them.
    public static func cards(
        _ delivery: GiftCardDelivery, channel: DeliveryChannel, recipient: String, link: String? = nil,
        linkExpiresAt: Int64? = nil, shop: ShopIdentity = .unnamed
    ) throws -> OutgoingMessage {
        let order = delivery.order
        guard !delivery.cards.isEmpty else { throw NoCards(orderKey: order.orderKey) }
        let set = try GiftCardWording.standard.set(order.locale)
        var context = facts(order, shop: shop)
        context["single"] = delivery.cards.count == 1
        context["count"] = String(delivery.cards.count)
        context["steps"] = steps(delivery.steps, locale: order.locale)
        if delivery.isPartial {
            var partial = context
            partial["delivered"] = String(delivery.cards.count)
            context["partialNote"] = (channel == .sms ? set.partialSMS : set.partialText).render(partial)
            context["partialHTML"] = set.partialHTML.render(partial)
        }
        let id = messageID(order.orderKey, channel: channel, purpose: "gift-cards")
        switch channel {
        case .email:
            if let link {
                context["link"] = link
                if let linkExpiresAt {
                    let expiry = expiry(linkExpiresAt, locale: order.locale)
                    context["linkExpires"] = expiry.text
                    context["linkExpiresHTML"] = expiry.html
                }
            } else {
                context["hasCodes"] = true
                context["cards"] = delivery.cards.enumerated().map { card($0.element, index: $0.offset + 1) }
            }
            return OutgoingMessage(
                channel: channel, recipient: recipient, subject: set.cardsSubject.render(context),
                text: set.cardsText.render(context), html: set.cardsHTML.render(context), messageID: id,
                topupId: order.orderKey, senderName: shop.name)
        case .sms:
            if delivery.cards.count == 1, link == nil {
                context["hasCode"] = true
                context.merge(card(delivery.cards[0], index: 1)) { $1 }
            } else if let link {
                context["link"] = link
                // The date alone: the zone's words would cost an Arabic SMS a segment.
                if let linkExpiresAt {
                    context["linkExpires"] = AlgiersTime.format(
                        milliseconds: linkExpiresAt, locale: order.locale, zone: false)
                }
            } else {
                context["pointer"] = true
            }
            return OutgoingMessage(
                channel: channel, recipient: recipient, subject: "", text: fittedSMS(set.cardsSMS, context),
                messageID: id, topupId: order.orderKey)
        }
    }

    /// `REFUNDED`: no card came; the amount went back to the shop's balance, not to the buyer, so the
    /// buyer is asked to contact the shop.
    public static func refundNotice(
        _ order: GiftCardOrderFacts, channel: DeliveryChannel, recipient: String, shop: ShopIdentity = .unnamed
    ) throws -> OutgoingMessage {
        let set = try GiftCardWording.standard.set(order.locale)
        return notice(
            order, channel: channel, recipient: recipient, shop: shop, purpose: "gift-refund",
            templates: (set.refundSubject, set.refundText, set.refundHTML, set.refundSMS))
    }

    /// `NOT_PLACED`: nothing was bought; the shop places the order again or contacts the buyer.
    public static func notPlacedNotice(
        _ order: GiftCardOrderFacts, channel: DeliveryChannel, recipient: String, shop: ShopIdentity = .unnamed
    ) throws -> OutgoingMessage {
        let set = try GiftCardWording.standard.set(order.locale)
        return notice(
            order, channel: channel, recipient: recipient, shop: shop, purpose: "gift-not-placed",
            templates: (set.notPlacedSubject, set.notPlacedText, set.notPlacedHTML, set.notPlacedSMS))
    }

    static func notice(
        _ order: GiftCardOrderFacts, channel: DeliveryChannel, recipient: String, shop: ShopIdentity,
        purpose: String,
        templates: (subject: MustacheTemplate, text: MustacheTemplate, html: MustacheTemplate, sms: MustacheTemplate)
    ) -> OutgoingMessage {
        let context = facts(order, shop: shop)
        let id = messageID(order.orderKey, channel: channel, purpose: purpose)
        switch channel {
        case .email:
            return OutgoingMessage(
                channel: channel, recipient: recipient, subject: templates.subject.render(context),
                text: templates.text.render(context), html: templates.html.render(context), messageID: id,
                topupId: order.orderKey, senderName: shop.name)
        case .sms:
            return OutgoingMessage(
                channel: channel, recipient: recipient, subject: "", text: fittedSMS(templates.sms, context),
                messageID: id, topupId: order.orderKey)
        }
    }

    /// The stable message id of an order's message on a channel, in ``MessageComposer``'s shape
    /// (`6901….email.gift-cards@bitaqa`). A gift-card order's key carries the shop's `ref`
    /// (`gc:A-12`), whose `:` (or a doubled `.`) a `Message-ID` may not hold: every character but a
    /// letter, a digit, `-` and `_` is written `=XX`, which keeps two keys from ever sharing an id.
    public static func messageID(_ key: TopupID, channel: DeliveryChannel, purpose: String) -> String {
        var encoded = ""
        for scalar in key.rawValue.unicodeScalars {
            let kept =
                ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                || scalar == "-" || scalar == "_"
            // A key is printable ASCII (``TopupID``), so one byte, two hex digits, per escaped character.
            encoded += kept ? String(scalar) : "=" + String(scalar.value, radix: 16, uppercase: true)
        }
        return "\(encoded).\(channel.rawValue).\(purpose)@bitaqa"
    }

    /// The SMS within ``MessageComposer/smsSegmentBudget`` when it can be: first without the product's
    /// title (the type name, `PSN 1000 DA`, still names the card), then with the shop's name shortened
    /// or left out. A link-mode SMS may still exceed it: a reveal link cannot be shortened.
    static func fittedSMS(_ template: MustacheTemplate, _ context: [String: Any]) -> String {
        let full = template.render(context)
        guard SMSSegments.count(full) > MessageComposer.smsSegmentBudget else { return full }
        var shorter = context
        shorter["title"] = nil
        return MessageComposer.fitted(template, shorter)
    }

    /// What every gift-card message shows: the shop (as the internet line's messages have it), the
    /// order's number, product, type and quantity.
    static func facts(_ order: GiftCardOrderFacts, shop: ShopIdentity) -> [String: Any] {
        var context = MessageComposer.facts(product: order.productTitle, number: nil, steps: [], shop: shop)
        context["ref"] = order.ref
        context["title"] = order.productTitle.isEmpty ? "-" : order.productTitle
        context["typeName"] = order.typeName.isEmpty ? "-" : order.typeName
        context["quantity"] = String(order.quantity)
        return context
    }

    /// A card's values. `hasSerial` is always set, so a card without a serial never shows another's
    /// through Mustache's lookup in the enclosing context.
    static func card(_ card: GiftCard, index: Int) -> [String: Any] {
        var values: [String: Any] = ["index": String(index), "code": card.code.revealed, "hasSerial": false]
        if let serial = card.serial?.revealed, !serial.isEmpty {
            values["hasSerial"] = true
            values["serial"] = serial
        }
        return values
    }

    /// The steps, numbered: `text` for text templates (its Latin runs isolated in Arabic), `html`
    /// escaped (and with `<bdi>` runs in Arabic) for the HTML one.
    static func steps(_ steps: [String], locale: CustomerLocale) -> [[String: String]] {
        steps.enumerated().map { offset, step in
            [
                "index": String(offset + 1),
                "text": locale.isRightToLeft ? BidiText.isolatingRuns(step) : step,
                "html": locale.isRightToLeft ? BidiText.html(step) : BidiText.escape(step),
            ]
        }
    }

    /// When the link expires, in Algiers time; in Arabic the date is isolated and the zone's words
    /// stay outside, where they read right to left.
    static func expiry(_ milliseconds: Int64, locale: CustomerLocale) -> (text: String, html: String) {
        let full = AlgiersTime.format(milliseconds: milliseconds, locale: locale)
        guard locale.isRightToLeft else { return (full, BidiText.escape(full)) }
        let date = AlgiersTime.format(milliseconds: milliseconds, locale: locale, zone: false)
        let zone = String(full.dropFirst(date.count))
        return (
            BidiText.isolated(date) + zone,
            "<bdi dir=\"ltr\">" + BidiText.escape(date) + "</bdi>" + BidiText.escape(zone)
        )
    }
}
