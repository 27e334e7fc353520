import BitaqaCore
import Foundation
import Mustache

/// What a card message says: the code, the transaction number, the processing date, the value, the line
/// and the usage steps, in the buyer's language, in its product line's wording.
public struct CardDetails: Sendable {
    public let topupId: TopupID
    public let code: CardCode
    public let transactionNumber: String?
    public let processedDate: String?
    /// The product as the buyer knows it (`ADSL`, `4G`).
    public let product: String?
    public let number: String?
    public let value: Int?
    public let locale: CustomerLocale
    /// How to use the card, in `locale`.
    public let steps: [String]
    public let wording: MessageWording

    public init(
        topupId: TopupID, code: CardCode, transactionNumber: String?, processedDate: String?, product: String?,
        number: String?, value: Int?, locale: CustomerLocale, steps: [String], wording: MessageWording
    ) {
        self.topupId = topupId
        self.code = code
        self.transactionNumber = transactionNumber
        self.processedDate = processedDate
        self.product = product
        self.number = number
        self.value = value
        self.locale = locale
        self.steps = steps
        self.wording = wording
    }
}

/// An order's facts for the messages that carry no card: refunded, queued.
public struct OrderFacts: Sendable {
    public let topupId: TopupID
    public let product: String?
    public let number: String?
    public let locale: CustomerLocale
    public let wording: MessageWording

    public init(
        topupId: TopupID, product: String?, number: String?, locale: CustomerLocale, wording: MessageWording
    ) {
        self.topupId = topupId
        self.product = product
        self.number = number
        self.locale = locale
        self.wording = wording
    }
}

/// Renders messages from the templates.
public enum MessageComposer {
    /// The stable message id of an order's message on a channel, e.g. `6740a1b2.email.card@bitaqa`.
    public static func messageID(topupId: TopupID, channel: DeliveryChannel, purpose: String, domain: String = "bitaqa")
        -> String
    {
        "\(topupId.rawValue).\(channel.rawValue).\(purpose)@\(domain)"
    }

    /// How long the reveal link of a link-mode email stays valid: 7 days from sending.
    public static let cardLinkLifetime: Duration = .seconds(7 * 24 * 3_600)

    /// The card message. With `link`, the email carries the link to the reveal page instead of the code
    /// (`BITAQA_EMAIL_MODE=link`), says when it expires (`linkExpiresAt`, milliseconds since 1970, in
    /// Algiers time) and asks not to forward it; SMS always carries the code.
    public static func card(
        _ card: CardDetails, channel: DeliveryChannel, recipient: String, link: String? = nil,
        linkExpiresAt: Int64? = nil, shop: ShopIdentity = .unnamed
    ) throws -> OutgoingMessage {
        let set = try card.wording.set(card.locale)
        var context = facts(product: card.product, number: card.number, steps: card.steps, shop: shop)
        let emailLink = channel == .email ? link : nil
        let showLink = emailLink != nil
        context["hasCode"] = !showLink
        context["code"] = showLink ? "" : card.code.revealed
        if let emailLink { context["link"] = emailLink }
        if emailLink != nil, let linkExpiresAt {
            context["linkExpires"] = AlgiersTime.format(milliseconds: linkExpiresAt, locale: card.locale)
        }
        context["transactionNumber"] = card.transactionNumber ?? "-"
        context["processedDate"] = AlgiersTime.format(card.processedDate, locale: card.locale)
        context["amount"] =
            card.value.map { DinarAmount.text($0, locale: card.locale, plainSpaces: channel == .sms) } ?? "-"
        context["status"] = OrderStatus.fulfilled.localized(card.locale)
        let id = messageID(topupId: card.topupId, channel: channel, purpose: "card")
        switch channel {
        case .email:
            return OutgoingMessage(
                channel: channel, recipient: recipient, subject: set.cardSubject.render(context),
                text: set.cardText.render(context),
                html: set.cardHTML.render(context), messageID: id, topupId: card.topupId, senderName: shop.name
            )
        case .sms:
            return OutgoingMessage(
                channel: channel, recipient: recipient, subject: "", text: fitted(set.cardSMS, context), messageID: id,
                topupId: card.topupId
            )
        }
    }

    /// "Your order could not be completed; its amount went back to the shop, which arranges the refund".
    public static func refundNotice(
        _ order: OrderFacts, channel: DeliveryChannel, recipient: String, shop: ShopIdentity = .unnamed
    ) throws -> OutgoingMessage {
        let set = try order.wording.set(order.locale)
        let context = facts(product: order.product, number: order.number, steps: [], shop: shop)
        let id = messageID(topupId: order.topupId, channel: channel, purpose: "refund")
        switch channel {
        case .email:
            return OutgoingMessage(
                channel: channel, recipient: recipient, subject: set.refundSubject.render(context),
                text: set.refundText.render(context),
                html: set.refundHTML.render(context), messageID: id, topupId: order.topupId, senderName: shop.name
            )
        case .sms:
            return OutgoingMessage(
                channel: channel, recipient: recipient, subject: "", text: fitted(set.refundSMS, context),
                messageID: id, topupId: order.topupId)
        }
    }

    /// "Your order is queued" (optional; the service does not send it by default).
    public static func queuedNotice(
        _ order: OrderFacts, channel: DeliveryChannel, recipient: String, shop: ShopIdentity = .unnamed
    ) throws -> OutgoingMessage {
        let set = try order.wording.set(order.locale)
        let context = facts(product: order.product, number: order.number, steps: [], shop: shop)
        let id = messageID(topupId: order.topupId, channel: channel, purpose: "queued")
        let text = channel == .email ? set.queuedText.render(context) : fitted(set.queuedSMS, context)
        return OutgoingMessage(
            channel: channel, recipient: recipient, subject: channel == .email ? set.queuedSubject.render(context) : "",
            text: text,
            messageID: id, topupId: order.topupId, senderName: channel == .email ? shop.name : nil
        )
    }

    /// The most segments an SMS may take: the card, its transaction number and the steps fit in two.
    public static let smsSegmentBudget = 2

    /// The SMS rendered within ``smsSegmentBudget``: a shop name that would push it over is shortened
    /// (an Arabic name in a French SMS changes its alphabet, and halves what a segment holds), and
    /// left out when even a short one does not fit.
    static func fitted(_ template: MustacheTemplate, _ context: [String: Any]) -> String {
        let full = template.render(context)
        guard let name = context["shop"] as? String, SMSSegments.count(full) > smsSegmentBudget else { return full }
        var context = context
        var shortened = name
        while shortened.count > 3 {
            shortened = String(shortened.dropLast())
            context["shop"] = shortened + "…"
            let text = template.render(context)
            if SMSSegments.count(text) <= smsSegmentBudget { return text }
        }
        context["shop"] = nil
        return template.render(context)
    }

    static func facts(product: String?, number: String?, steps: [String], shop: ShopIdentity) -> [String: Any] {
        var context: [String: Any] = [
            "service": product ?? "-",
            "number": number ?? "-",
            "steps": steps.enumerated().map {
                // `html`: escaped, with `*600#`, `4G` and numbers isolated left to right (``BidiText``).
                ["index": String($0.offset + 1), "text": $0.element, "html": BidiText.html($0.element)]
            },
            "shopOrService": shop.name ?? "Bitaqa",
        ]
        if let name = shop.name { context["shop"] = name }
        if let url = shop.url { context["shopURL"] = url }
        if let support = shop.support { context["support"] = support }
        if let logo = shop.logoURL { context["logo"] = logo }
        return context
    }

    /// No template set for a locale (every locale has one; the template tests check it).
    struct TemplateMissing: Error {
        let locale: CustomerLocale
    }
}

extension MustacheTemplate {
    func render(_ context: [String: Any]) -> String {
        render(context as Any).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Processing dates in Algeria's time zone (UTC+1, no daylight saving), written for the locale.
public enum AlgiersTime {
    public static func format(_ iso: String?, locale: CustomerLocale) -> String {
        guard let iso, let date = parse(iso) else { return iso ?? "-" }
        return format(date, locale: locale, zone: true)
    }

    /// A time in milliseconds since 1970 (as stored), in Algiers time; `zone` adds `(heure d'Alger)`.
    public static func format(milliseconds: Int64, locale: CustomerLocale, zone: Bool = true) -> String {
        format(Date(timeIntervalSince1970: Double(milliseconds) / 1000), locale: locale, zone: zone)
    }

    static func format(_ date: Date, locale: CustomerLocale, zone: Bool) -> String {
        let formatter = DateFormatter()
        formatter.timeZone = TimeZone(identifier: "Africa/Algiers") ?? TimeZone(secondsFromGMT: 3600)
        formatter.locale = Locale(identifier: "en_US_POSIX")
        switch locale {
        case .ar, .fr: formatter.dateFormat = "dd/MM/yyyy HH:mm"
        case .en: formatter.dateFormat = "d MMM yyyy, HH:mm"
        }
        guard zone else { return formatter.string(from: date) }
        let suffix: String
        switch locale {
        case .ar: suffix = " (بتوقيت الجزائر)"
        case .fr: suffix = " (heure d'Alger)"
        case .en: suffix = " (Algiers time)"
        }
        return formatter.string(from: date) + suffix
    }

    static func parse(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) {
            return date
        }
        return try? Date(text, strategy: .iso8601)
    }
}
