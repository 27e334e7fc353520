import BitaqaCore
import Foundation
import Orders

/// The gift-card order object of the merchant API (`INTERFACE.md`). Never a code or a serial; the
/// candidates of an `UNCERTAIN` order carry ids, times and quantities only.
public struct GiftCardOrderResponse: Encodable {
    let order: GiftCardOrder
    let deliveries: [DeliveryRecord]

    enum CodingKeys: String, CodingKey {
        case ref, orderId, userId, productId, productTitle, typeId, typeName, quantity, fulfilledQuantity
        case pricePerCard, status, createdAt, locale, channels, deliveries, candidates, product
    }

    enum CandidateKeys: String, CodingKey {
        case orderId, createdAt, quantity, status
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        let details = order.details
        try container.encode(ProductLineID.giftCard.rawValue, forKey: .product)
        try container.encode(details.ref, forKey: .ref)
        try container.encode(details.orderId, forKey: .orderId)
        try container.encode(order.order.userId.rawValue, forKey: .userId)
        try container.encode(details.productId, forKey: .productId)
        try container.encode(details.productTitle, forKey: .productTitle)
        try container.encode(details.typeId, forKey: .typeId)
        try container.encode(details.typeName, forKey: .typeName)
        try container.encode(details.quantity, forKey: .quantity)
        try container.encode(details.fulfilledQuantity, forKey: .fulfilledQuantity)
        try container.encode(details.pricePerCard, forKey: .pricePerCard)
        try container.encode(order.status.rawValue, forKey: .status)
        try container.encode(Timestamp.iso8601(order.order.createdAt), forKey: .createdAt)
        try container.encode(order.order.locale.rawValue, forKey: .locale)
        try container.encode(order.order.channels.map(\.rawValue), forKey: .channels)
        if order.status == .uncertain {
            var list = container.nestedUnkeyedContainer(forKey: .candidates)
            for candidate in details.candidates {
                var item = list.nestedContainer(keyedBy: CandidateKeys.self)
                try item.encode(candidate.orderId, forKey: .orderId)
                try item.encode(Timestamp.iso8601(candidate.createdAt), forKey: .createdAt)
                try item.encode(candidate.quantity, forKey: .quantity)
                try item.encode(candidate.status, forKey: .status)
            }
        }
        try container.encode(
            OrderResponse.Deliveries(deliveries), forKey: .deliveries)
    }
}

extension GiftCardOrderResponse {
    /// The order as `GET /v1/gift-card-orders/{ref}` answers it, for the command line.
    public static func json(order: GiftCardOrder, deliveries: [DeliveryRecord]) throws -> String {
        String(
            decoding: try ResponseJSON.encoder.encode(GiftCardOrderResponse(order: order, deliveries: deliveries)),
            as: UTF8.self)
    }
}
