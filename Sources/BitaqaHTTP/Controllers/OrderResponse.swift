import BitaqaCore
import Foundation
import Orders

/// The order object of the merchant API. Never carries the card code; unknown fields are `null`.
public struct OrderResponse: Encodable {
    let order: OrderRecord
    let deliveries: [DeliveryRecord]

    enum CodingKeys: String, CodingKey {
        case topupId, topupRef, userId, email, phone, type, number, value, status, transactionNumber, processedDate
        case createdAt, locale, channels, deliveries
    }

    enum DeliveryKeys: String, CodingKey {
        case channel, purpose, state, attempts, lastError, deliveredAt, error
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        // `encode` of an Optional writes `null`, which the interface asks for.
        try container.encode(order.topupId.rawValue, forKey: .topupId)
        try container.encode(order.topupRef, forKey: .topupRef)
        try container.encode(order.userId.rawValue, forKey: .userId)
        // As registered or corrected; null when absent or erased (personal data: owner, support and viewer
        // roles see them, the trail and the logs never do).
        try container.encode(order.email, forKey: .email)
        try container.encode(order.phone, forKey: .phone)
        try container.encode(order.cardType?.rawValue, forKey: .type)
        try container.encode(order.number, forKey: .number)
        try container.encode(order.value, forKey: .value)
        try container.encode(order.status.rawValue, forKey: .status)
        try container.encode(order.transactionNumber, forKey: .transactionNumber)
        try container.encode(order.processedDate, forKey: .processedDate)
        try container.encode(Timestamp.iso8601(order.createdAt), forKey: .createdAt)
        try container.encode(order.locale.rawValue, forKey: .locale)
        try container.encode(order.channels.map(\.rawValue), forKey: .channels)
        try container.encode(Deliveries(deliveries), forKey: .deliveries)
    }

    /// An order's deliveries as both product lines' order objects list them.
    struct Deliveries: Encodable {
        let deliveries: [DeliveryRecord]

        init(_ deliveries: [DeliveryRecord]) {
            self.deliveries = deliveries
        }

        func encode(to encoder: any Encoder) throws {
            var list = encoder.unkeyedContainer()
            for delivery in deliveries {
                var item = list.nestedContainer(keyedBy: DeliveryKeys.self)
                try item.encode(delivery.channel.rawValue, forKey: .channel)
                try item.encode(delivery.purpose.rawValue, forKey: .purpose)
                try item.encode(delivery.state.rawValue, forKey: .state)
                try item.encode(delivery.attempts, forKey: .attempts)
                try item.encode(delivery.lastError, forKey: .lastError)
                try item.encode(delivery.deliveredAt.map(Timestamp.iso8601), forKey: .deliveredAt)
                // The guide's public code for a delivery that will not happen without a resend.
                try item.encode(
                    delivery.state == .failed ? PublicErrorCode.deliveryFailed.rawValue : nil, forKey: .error)
            }
        }
    }
}

extension OrderResponse {
    /// The order as `GET /v1/orders/{topupId}` answers it, for the command line.
    public static func json(order: OrderRecord, deliveries: [DeliveryRecord]) throws -> String {
        String(
            decoding: try ResponseJSON.encoder.encode(OrderResponse(order: order, deliveries: deliveries)),
            as: UTF8.self)
    }
}
