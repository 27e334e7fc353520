import Audit
import BitaqaCore
import Foundation
import Orders

/// `/console/gift-cards`: the search form and one page of gift-card orders, newest first. Contacts are
/// masked; never a code, a serial or a price.
struct ConsoleGiftCardsView: ConsoleView {
    struct Row: Sendable {
        let ref: String
        let href: String
        let created: String
        let product: String
        let type: String
        /// Cards delivered by OneClickDz of those ordered: `2 / 4`.
        let cards: String
        let statusLabel: String
        let status: String
        let email: String
        let phone: String

        init(_ order: GiftCardOrder, locale: CustomerLocale) {
            ref = order.details.ref
            href = ConsoleGiftCardView.path(order.details.ref)
            created = ConsoleTerms.time(order.order.createdAt, locale)
            product = order.details.productTitle
            type = order.details.typeName
            cards = "\(order.details.fulfilledQuantity ?? 0) / \(order.details.quantity)"
            statusLabel = ConsoleTerms.status(order.status, locale)
            status = order.status.rawValue
            email = order.order.email.map { ContactRules.masked($0, channel: .email) } ?? "-"
            phone = order.order.phone.map { ContactRules.masked($0, channel: .sms) } ?? "-"
        }
    }

    /// The statuses a gift-card order takes, in the order it goes through them.
    static let statuses: [OrderStatus] = [
        .placing, .handling, .fulfilled, .partiallyFilled, .refunded, .notPlaced, .uncertain,
    ]

    static let template = ConsolePages.Template.giftCards
    /// Off: this server has no gift-card line, and the page says so.
    var enabled = true
    /// The search text, shown back in the form.
    var q = ""
    var statusOptions: [ConsoleOrdersView.Option] = []
    var orders: [Row] = []
    var hasOrders = false
    /// The next page's address, keeping the filters; nil on the last page.
    var next: String?
    /// Why the filters could not be read, or the order asked for is not there.
    var error: String?

    init(status: OrderStatus?, locale: CustomerLocale) {
        statusOptions = Self.statuses.map {
            .init(value: $0.rawValue, label: ConsoleTerms.status($0, locale), selected: status == $0)
        }
    }
}

/// `/console/gift-cards/{ref}`: one gift-card order, its deliveries, its actions, the candidates of an
/// `UNCERTAIN` one and its audit trail. The sealed cards are counted, never shown.
struct ConsoleGiftCardView: ConsoleView {
    /// An upstream order that may be this one: never a code.
    struct Candidate: Sendable {
        let orderId: String
        let time: String
        let quantity: Int
        let statusLabel: String
        let status: String
    }

    static let template = ConsolePages.Template.giftCard
    let ref: String
    /// The order's address, which the action forms post under.
    let base: String
    let orderId: String
    let product: String
    let type: String
    let quantity: Int
    let fulfilled: String
    /// The merchant's cost per card, for staff only.
    let price: String
    let statusLabel: String
    let status: String
    /// What the status means, in words.
    let explanation: String?
    let user: String
    let userHref: String
    let email: String
    let phone: String
    let language: String
    let channelNames: String
    let created: String
    let lastCheck: String
    let nextCheck: String
    /// How many cards are sealed in the vault for the order.
    let sealed: Int
    let uncertain: Bool
    /// The order has cards to resend: the resend form shows only then.
    let hasCards: Bool
    let candidates: [Candidate]
    /// The delivery channels this process has, for the resend form.
    let channels: [ConsoleOrderView.Channel]
    let deliveries: [ConsoleOrderView.Delivery]
    let events: [ConsoleOrderView.Event]
    /// An action that did not go through: why, in the console's language.
    var problem: String?

    init(
        _ order: GiftCardOrder, deliveries: [DeliveryRecord], events: [AuditRecord], sealed: Int,
        availableChannels: Set<DeliveryChannel>, locale: CustomerLocale
    ) {
        let details = order.details
        let record = order.order
        // The top-up order page's own rendering of deliveries, events and the resend form's channels.
        let shared = ConsoleOrderView(
            record, deliveries: deliveries, events: events, availableChannels: availableChannels, locale: locale)
        ref = details.ref
        base = Self.path(details.ref)
        orderId = details.orderId ?? "-"
        product = details.productTitle
        type = details.typeName
        quantity = details.quantity
        fulfilled = details.fulfilledQuantity.map(String.init) ?? "-"
        price = details.pricePerCard.map { Self.price($0, locale) } ?? "-"
        statusLabel = ConsoleTerms.status(order.status, locale)
        status = order.status.rawValue
        explanation = ConsoleTexts.giftCardExplanation(order.status, locale)
        user = record.userId.rawValue
        userHref = ConsoleOrderView.buyerPath(record.userId)
        email = shared.email
        phone = shared.phone
        language = ConsoleTexts.languageName(record.locale)
        channelNames =
            record.channels.isEmpty
            ? "-"
            : record.channels.map { ConsoleTerms.channel($0, locale) }.joined(separator: locale == .ar ? "، " : ", ")
        created = ConsoleTerms.time(record.createdAt, locale)
        lastCheck = record.lastCheckedAt.map { ConsoleTerms.time($0, locale) } ?? "-"
        nextCheck = details.nextCheckAt.map { ConsoleTerms.time($0, locale) } ?? "-"
        self.sealed = sealed
        uncertain = order.status == .uncertain
        hasCards = order.status.hasCards
        candidates = details.candidates.map {
            Candidate(
                orderId: $0.orderId, time: ConsoleTerms.time($0.createdAt, locale), quantity: $0.quantity,
                statusLabel: ConsoleTerms.status(raw: $0.status, locale), status: $0.status)
        }
        channels = shared.channels
        self.deliveries = shared.deliveries
        self.events = shared.events
    }

    /// The order's page: its ref is one path segment, whatever it holds.
    static func path(_ ref: String) -> String {
        "/console/gift-cards/" + (ref.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ref)
    }

    /// ASCII letters and digits and `-._~`: everything else is percent-encoded, so a `Location` stays ASCII.
    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// A price in dinars as the language writes amounts, with its centimes when it has some.
    static func price(_ value: Double, _ locale: CustomerLocale) -> String {
        let cents = Int((value * 100).rounded())
        let whole = DinarAmount.text(cents / 100, locale: locale)
        guard cents % 100 != 0 else { return whole }
        let fraction = String(format: "%02d", abs(cents % 100))
        switch locale {
        case .en: return whole + "." + fraction
        case .fr: return whole.replacingOccurrences(of: "\u{00A0}DA", with: ",\(fraction)\u{00A0}DA")
        case .ar: return whole.replacingOccurrences(of: "\u{00A0}دج", with: ".\(fraction)\u{00A0}دج")
        }
    }
}
