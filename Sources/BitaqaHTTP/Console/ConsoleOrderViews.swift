import Audit
import BitaqaCore
import Foundation
import Messaging
import Orders

/// `/console/orders`: the search form and one page of orders.
struct ConsoleOrdersView: ConsoleView {
    struct Row: Sendable {
        let id: String
        let href: String
        let created: String
        /// The status in the console's language, and its code beside it.
        let statusLabel: String
        let status: String
        let number: String
        let value: String
        /// The card deliveries, `channel: state` in words, comma-separated.
        let deliveries: String

        init(_ order: OrderRecord, deliveries: [DeliveryRecord], locale: CustomerLocale = .fr) {
            id = order.topupId.rawValue
            href = ConsoleOrderView.path(order.topupId)
            created = ConsoleTerms.time(order.createdAt, locale)
            statusLabel = ConsoleTerms.status(order.status, locale)
            status = order.status.rawValue
            number = order.number ?? "-"
            value = order.value.map { DinarAmount.text($0, locale: locale) } ?? "-"
            self.deliveries = deliveries.filter { $0.purpose == .card }
                .map { "\(ConsoleTerms.channel($0.channel, locale)) : \(ConsoleTerms.state($0.state, locale))" }
                .joined(separator: ", ")
        }
    }

    /// An option of a filter, `selected` when the search uses it.
    struct Option: Sendable {
        let value: String
        let label: String
        let selected: Bool
    }

    static let template = ConsolePages.Template.orders
    /// The search text, shown back in the form.
    let q: String
    let orders: [Row]
    let hasOrders: Bool
    /// The next page's address, keeping the filters; nil on the last page.
    let next: String?
    let statusOptions: [Option]
    let deliveryOptions: [Option]
    var typeOptions: [Option] = []
    /// The value and the Algiers days as typed, shown back in the form.
    var value = ""
    var from = ""
    var to = ""
    /// The CSV export of the same filters.
    var csv = "/console/orders.csv"
    /// Why the filters could not be read.
    var error: String?

    /// The form alone: for a search that could not be read, and for an order that is not there.
    static let empty = ConsoleOrdersView(
        q: "", orders: [], hasOrders: false, next: nil, statusOptions: [], deliveryOptions: [])
}

/// `/console/orders/{id}`: one order, its deliveries, its actions and its audit trail. Contacts are
/// masked; never a card code.
struct ConsoleOrderView: ConsoleView {
    struct Delivery: Sendable {
        let channel: String
        let purpose: String
        let recipient: String
        let stateLabel: String
        let state: String
        let attempts: Int
        /// What the error means and what to do next, in words; empty without an error.
        let reason: String
        /// The error as the channel gave it, shown beside the words.
        let error: String
        let hasError: Bool
        let time: String

        /// - Parameter sentTo: the masked address the delivery's last outcome (`CARD_DELIVERED`,
        ///   `DELIVERY_FAILED`) names: a bounce shows the address that bounced, not one corrected since.
        init(_ delivery: DeliveryRecord, of order: OrderRecord, sentTo: String?, locale: CustomerLocale) {
            let contact = delivery.channel == .email ? order.email : order.phone
            channel = ConsoleTerms.channel(delivery.channel, locale)
            purpose = ConsoleTerms.purpose(delivery.purpose, locale)
            recipient = sentTo ?? contact.map { ContactRules.masked($0, channel: delivery.channel) } ?? "-"
            stateLabel = ConsoleTerms.state(delivery.state, locale)
            state = delivery.state.rawValue
            attempts = delivery.attempts
            error = delivery.lastError ?? ""
            reason = ConsoleTerms.failure(error, channel: delivery.channel, locale) ?? ""
            hasError = !error.isEmpty
            time = ConsoleTerms.time(delivery.deliveredAt ?? delivery.createdAt, locale)
        }
    }

    struct Event: Sendable {
        let time: String
        let kindLabel: String
        let kind: String
        let actor: String
        /// The details, `key=value`, sorted by key.
        let details: String

        init(_ record: AuditRecord, locale: CustomerLocale) {
            time = ConsoleTerms.time(record.at, locale)
            kindLabel = ConsoleTerms.audit(record.event.kind, locale)
            kind = record.event.kind.rawValue
            actor = record.event.actor ?? "-"
            details = record.event.details.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                .joined(separator: " ")
        }
    }

    /// A channel of the resend form.
    struct Channel: Sendable {
        let value: String
        let label: String
    }

    /// A note of the shop's people: never shown to a buyer.
    struct Note: Sendable {
        let time: String
        let author: String
        let text: String
    }

    static let template = ConsolePages.Template.order
    let id: String
    /// The order's address, which the action forms post under.
    let base: String
    let statusLabel: String
    /// The upstream never knew the order: "check now" would track it again, and says so first.
    let unknownUpstream: Bool
    let status: String
    let user: String
    /// The buyer's page.
    let userHref: String
    let number: String
    let value: String
    let email: String
    let phone: String
    let created: String
    /// The channels this process can deliver on, for the resend form.
    let channels: [Channel]
    let deliveries: [Delivery]
    let events: [Event]
    /// An action that did not go through: why, and what to do, in the console's language.
    var problem: String?
    var notes: [Note] = []
    var hasNotes = false

    init(
        _ order: OrderRecord, deliveries: [DeliveryRecord], events: [AuditRecord],
        availableChannels: Set<DeliveryChannel>, locale: CustomerLocale = .fr
    ) {
        id = order.topupId.rawValue
        base = Self.path(order.topupId)
        statusLabel = ConsoleTerms.status(order.status, locale)
        unknownUpstream = order.status == .unknownUpstream
        status = order.status.rawValue
        user = order.userId.rawValue
        userHref = Self.buyerPath(order.userId)
        number = order.number ?? "-"
        value = order.value.map { DinarAmount.text($0, locale: locale) } ?? "-"
        email = order.email.map { ContactRules.masked($0, channel: .email) } ?? "-"
        phone = order.phone.map { ContactRules.masked($0, channel: .sms) } ?? "-"
        created = ConsoleTerms.time(order.createdAt, locale)
        channels = DeliveryChannel.allCases.filter(availableChannels.contains).map {
            Channel(value: $0.rawValue, label: ConsoleTerms.channel($0, locale))
        }
        // Each delivery's outcome event names it; the newest one tells where it went.
        var sentTo: [String: String] = [:]
        for record in events where record.event.kind == .cardDelivered || record.event.kind == .deliveryFailed {
            if let id = record.event.details["delivery"], let recipient = record.event.details["recipient"],
                !recipient.isEmpty
            {
                sentTo[id] = recipient
            }
        }
        self.deliveries = deliveries.map { Delivery($0, of: order, sentTo: sentTo[$0.id], locale: locale) }
        self.events = events.map { Event($0, locale: locale) }
    }

    /// The order's page: its id is one path segment, whatever it holds.
    static func path(_ id: TopupID) -> String {
        "/console/orders/" + (id.rawValue.addingPercentEncoding(withAllowedCharacters: unreserved) ?? id.rawValue)
    }

    /// The buyer's page.
    static func buyerPath(_ id: UserID) -> String {
        "/console/buyers/" + (id.rawValue.addingPercentEncoding(withAllowedCharacters: unreserved) ?? id.rawValue)
    }

    private static let unreserved = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
}

extension ConsoleTerms {
    /// A stored time (milliseconds since 1970, UTC) in Algiers time, as the language writes dates.
    static func time(_ milliseconds: Int64, _ locale: CustomerLocale) -> String {
        AlgiersTime.format(milliseconds: milliseconds, locale: locale, zone: false)
    }
}
