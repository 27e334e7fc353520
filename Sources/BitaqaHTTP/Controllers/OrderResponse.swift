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
    /// What ``encode(to:)`` writes, written by hand: a page of the order list holds up to 200 of these.
    func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("channels")
        writer.strings(order.channels.map(\.rawValue))
        writer.key("createdAt")
        writer.string(Timestamp.iso8601(order.createdAt))
        writer.key("deliveries")
        writer.beginArray()
        for delivery in deliveries {
            writer.beginObject()
            writer.key("attempts")
            writer.int(delivery.attempts)
            writer.key("channel")
            writer.string(delivery.channel.rawValue)
            writer.key("deliveredAt")
            writer.string(delivery.deliveredAt.map(Timestamp.iso8601))
            writer.key("error")
            writer.string(delivery.state == .failed ? PublicErrorCode.deliveryFailed.rawValue : nil)
            writer.key("lastError")
            writer.string(delivery.lastError)
            writer.key("purpose")
            writer.string(delivery.purpose.rawValue)
            writer.key("state")
            writer.string(delivery.state.rawValue)
            writer.endObject()
        }
        writer.endArray()
        writer.key("email")
        writer.string(order.email)
        writer.key("locale")
        writer.string(order.locale.rawValue)
        writer.key("number")
        writer.string(order.number)
        writer.key("phone")
        writer.string(order.phone)
        writer.key("processedDate")
        writer.string(order.processedDate)
        writer.key("status")
        writer.string(order.status.rawValue)
        writer.key("topupId")
        writer.string(order.topupId.rawValue)
        writer.key("topupRef")
        writer.string(order.topupRef)
        writer.key("transactionNumber")
        writer.string(order.transactionNumber)
        writer.key("type")
        writer.string(order.cardType?.rawValue)
        writer.key("userId")
        writer.string(order.userId.rawValue)
        writer.key("value")
        writer.int(order.value)
        writer.endObject()
    }

    /// The body of `GET /v1/orders`: `{"nextCursor":…,"orders":[…],"success":true}`, as the response
    /// encoder would write it.
    static func listJSON(_ orders: [OrderResponse], nextCursor: String?) -> [UInt8] {
        var writer = JSONWriter(capacity: 512 + 400 * orders.count)
        writer.beginObject()
        writer.key("nextCursor")
        writer.string(nextCursor)
        writer.key("orders")
        writer.beginArray()
        for order in orders { order.write(to: &writer) }
        writer.endArray()
        writer.key("success")
        writer.bool(true)
        writer.endObject()
        return writer.bytes
    }

    /// The order as `GET /v1/orders/{topupId}` answers it, for the command line.
    public static func json(order: OrderRecord, deliveries: [DeliveryRecord]) throws -> String {
        String(
            decoding: try ResponseJSON.encoder.encode(OrderResponse(order: order, deliveries: deliveries)),
            as: UTF8.self)
    }
}
