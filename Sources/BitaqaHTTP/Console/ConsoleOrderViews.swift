import Audit
import BitaqaCore
import Foundation
import Orders

/// `/console/orders`: the search form and one page of orders.
struct ConsoleOrdersView: ConsoleView {
    struct Row: Sendable {
        let id: String
        let href: String
        let created: String
        let status: String
        let number: String
        let value: String
        /// The card deliveries, `channel: state`, comma-separated.
        let deliveries: String

        init(_ order: OrderRecord, deliveries: [DeliveryRecord]) {
            id = order.topupId.rawValue
            href = ConsoleOrderView.path(order.topupId)
            created = Timestamp.iso8601(order.createdAt)
            status = order.status.rawValue
            number = order.number ?? "-"
            value = order.value.map { "\($0) DZD" } ?? "-"
            self.deliveries = deliveries.filter { $0.purpose == .card }
                .map { "\($0.channel.rawValue): \($0.state.rawValue)" }.joined(separator: ", ")
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
        let state: String
        let attempts: Int
        let error: String
        let time: String

        init(_ delivery: DeliveryRecord, of order: OrderRecord) {
            let contact = delivery.channel == .email ? order.email : order.phone
            channel = delivery.channel.rawValue
            purpose = delivery.purpose.rawValue
            recipient = contact.map { ContactRules.masked($0, channel: delivery.channel) } ?? "-"
            state = delivery.state.rawValue
            attempts = delivery.attempts
            error = delivery.lastError ?? ""
            time = Timestamp.iso8601(delivery.deliveredAt ?? delivery.createdAt)
        }
    }

    struct Event: Sendable {
        let time: String
        let kind: String
        let actor: String
        /// The details, `key=value`, sorted by key.
        let details: String

        init(_ record: AuditRecord) {
            time = Timestamp.iso8601(record.at)
            kind = record.event.kind.rawValue
            actor = record.event.actor ?? "-"
            details = record.event.details.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                .joined(separator: " ")
        }
    }

    static let template = ConsolePages.Template.order
    let id: String
    /// The order's address, which the action forms post under.
    let base: String
    let status: String
    let user: String
    let number: String
    let value: String
    let email: String
    let phone: String
    let created: String
    /// The channels this process can deliver on, for the resend form.
    let channels: [String]
    let deliveries: [Delivery]
    let events: [Event]

    init(
        _ order: OrderRecord, deliveries: [DeliveryRecord], events: [AuditRecord],
        availableChannels: Set<DeliveryChannel>
    ) {
        id = order.topupId.rawValue
        base = Self.path(order.topupId)
        status = order.status.rawValue
        user = order.userId.rawValue
        number = order.number ?? "-"
        value = order.value.map { "\($0) DZD" } ?? "-"
        email = order.email.map { ContactRules.masked($0, channel: .email) } ?? "-"
        phone = order.phone.map { ContactRules.masked($0, channel: .sms) } ?? "-"
        created = Timestamp.iso8601(order.createdAt)
        channels = DeliveryChannel.allCases.filter(availableChannels.contains).map(\.rawValue)
        self.deliveries = deliveries.map { Delivery($0, of: order) }
        self.events = events.map(Event.init)
    }

    /// The order's page: its id is one path segment, whatever it holds.
    static func path(_ id: TopupID) -> String {
        "/console/orders/" + (id.rawValue.addingPercentEncoding(withAllowedCharacters: unreserved) ?? id.rawValue)
    }

    private static let unreserved = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
}
