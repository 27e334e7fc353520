import Audit
import BitaqaCore
import Foundation

/// A buyer's requests about their personal data (Algeria's law 18-07): what is held about them, and the
/// erasure of their contacts. Both are audited; the trail names the buyer and their contacts masked.
public struct BuyerData: Sendable {
    let context: DomainContext
    let eraser: ContactEraser
    let metrics: ContactMetrics

    public init(context: DomainContext, binder: ContactBinder, metrics: ContactMetrics) {
        self.context = context
        self.eraser = ContactEraser(context: context, binder: binder)
        self.metrics = metrics
    }

    /// The most orders one export or erasure covers.
    public static let orderLimit = 10_000

    /// What is held about one buyer: their orders (both product lines), the contacts each holds, and
    /// each order's deliveries. Never a card code.
    public struct Export: Sendable, Encodable, Equatable {
        public let userId: String
        public let exportedAt: String
        public let orders: [Order]

        public struct Order: Sendable, Encodable, Equatable {
            public let product: String
            /// The top-up's id, or the gift-card order's `ref`.
            public let id: String
            public let status: String
            public let type: String?
            public let number: String?
            public let value: Int?
            public let email: String?
            public let phone: String?
            public let locale: String
            public let channels: [String]
            public let createdAt: String
            /// When the contacts were erased (on request or after their retention); null while held.
            public let contactsErasedAt: String?
            public let deliveries: [Delivery]

            enum CodingKeys: String, CodingKey {
                case product, id, status, type, number, value, email, phone, locale, channels, createdAt
                case contactsErasedAt, deliveries
            }

            /// Every field, absent ones as `null`: an erased contact reads as `"email": null`.
            public func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(product, forKey: .product)
                try container.encode(id, forKey: .id)
                try container.encode(status, forKey: .status)
                try container.encode(type, forKey: .type)
                try container.encode(number, forKey: .number)
                try container.encode(value, forKey: .value)
                try container.encode(email, forKey: .email)
                try container.encode(phone, forKey: .phone)
                try container.encode(locale, forKey: .locale)
                try container.encode(channels, forKey: .channels)
                try container.encode(createdAt, forKey: .createdAt)
                try container.encode(contactsErasedAt, forKey: .contactsErasedAt)
                try container.encode(deliveries, forKey: .deliveries)
            }
        }

        public struct Delivery: Sendable, Encodable, Equatable {
            public let channel: String
            public let purpose: String
            public let state: String
            public let attempts: Int
            public let lastError: String?
            public let deliveredAt: String?

            enum CodingKeys: String, CodingKey {
                case channel, purpose, state, attempts, lastError, deliveredAt
            }

            public func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(channel, forKey: .channel)
                try container.encode(purpose, forKey: .purpose)
                try container.encode(state, forKey: .state)
                try container.encode(attempts, forKey: .attempts)
                try container.encode(lastError, forKey: .lastError)
                try container.encode(deliveredAt, forKey: .deliveredAt)
            }
        }
    }

    public func export(_ userId: UserID, actor: String, requestID: String?) async throws -> Export {
        let orders = try await context.repositories.orders.orders(ownedBy: userId, limit: Self.orderLimit)
        let deliveries = try await context.repositories.orders.deliveries(of: orders.map(\.topupId))
        let export = Export(
            userId: userId.rawValue, exportedAt: Timestamp.iso8601(context.time.now()),
            orders: orders.map { order in
                Export.Order(
                    product: order.productLine.rawValue,
                    id: order.productLine == .giftCard
                        ? (order.topupRef ?? order.topupId.rawValue) : order.topupId.rawValue,
                    status: order.status.rawValue, type: order.cardType?.rawValue, number: order.number,
                    value: order.value, email: order.email, phone: order.phone, locale: order.locale.rawValue,
                    channels: order.channels.map(\.rawValue), createdAt: Timestamp.iso8601(order.createdAt),
                    contactsErasedAt: order.contactsErasedAt.map(Timestamp.iso8601),
                    deliveries: (deliveries[order.topupId] ?? []).map {
                        Export.Delivery(
                            channel: $0.channel.rawValue, purpose: $0.purpose.rawValue, state: $0.state.rawValue,
                            attempts: $0.attempts, lastError: $0.lastError,
                            deliveredAt: $0.deliveredAt.map(Timestamp.iso8601))
                    })
            })
        try await context.trail.append(
            AuditEvent(
                .buyerExported, actor: actor, requestID: requestID,
                details: ["user_id": userId.rawValue, "orders": String(orders.count)]),
            now: context.time.now())
        return export
    }

    /// What an erasure did.
    public struct Erasure: Sendable, Encodable, Equatable {
        public let userId: String
        /// The buyer's orders.
        public let orders: Int
        /// Orders whose contacts this erasure removed.
        public let erased: Int
        public let emails: Int
        public let phones: Int
    }

    /// Erases the buyer's contacts on every order; the orders, their cards and the trail stay.
    public func erase(_ userId: UserID, actor: String, requestID: String?) async throws -> Erasure {
        let orders = try await context.repositories.orders.orders(ownedBy: userId, limit: Self.orderLimit)
        var erased = 0
        var emails = 0
        var phones = 0
        for order in orders
        where try await eraser.erase(order, reason: .request, actor: actor, requestID: requestID) {
            erased += 1
            if order.email != nil { emails += 1 }
            if order.phone != nil { phones += 1 }
        }
        metrics.erased(erased, reason: .request)
        if erased > 0 { try await context.repositories.orders.flushRemovedContacts() }
        return Erasure(userId: userId.rawValue, orders: orders.count, erased: erased, emails: emails, phones: phones)
    }
}
