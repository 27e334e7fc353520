import BitaqaCore
import Orders

/// The body of `POST /v1/gift-card-orders`: the cards to buy and the buyer to deliver them to.
struct GiftCardOrderRequest: ClosedJSONObject {
    static let fields: Set<String> = [
        "productId", "typeId", "quantity", "ref", "userId", "email", "phone", "locale", "channels",
    ]

    var productId: String
    var typeId: String
    var quantity: Int
    var ref: String
    var userId: String
    var email: String?
    var phone: String?
    var locale: String?
    var channels: [String]?

    func validated(availableChannels: Set<DeliveryChannel>) throws(PublicError) -> GiftCardPlacement.Request {
        guard (1...100).contains(productId.count), (1...100).contains(typeId.count) else {
            throw .badRequest("productId and typeId must be 1 to 100 characters")
        }
        let contact = try GiftCardContact.validated(
            userId: userId, email: email, phone: phone, locale: locale, channels: channels,
            availableChannels: availableChannels)
        return GiftCardPlacement.Request(
            ref: ref, productId: productId, typeId: typeId, quantity: quantity, contact: contact)
    }
}

/// The body of `POST /v1/gift-card-orders/register`: an order the shop placed itself, or the orderId
/// that settles an `UNCERTAIN` order.
struct GiftCardRegistration: ClosedJSONObject {
    static let fields: Set<String> = ["orderId", "ref", "userId", "email", "phone", "locale", "channels"]

    var orderId: String
    var ref: String?
    var userId: String
    var email: String?
    var phone: String?
    var locale: String?
    var channels: [String]?

    func validated(availableChannels: Set<DeliveryChannel>) throws(PublicError) -> OrderRegistrar.Contact {
        guard TopupID(orderId) != nil else {
            throw .badRequest("orderId must be 1 to 128 printable characters without spaces or '/'")
        }
        return try GiftCardContact.validated(
            userId: userId, email: email, phone: phone, locale: locale, channels: channels,
            availableChannels: availableChannels)
    }
}

/// The buyer of a gift-card order, checked by exactly the rules of a top-up's registration.
enum GiftCardContact {
    static func validated(
        userId: String, email: String?, phone: String?, locale: String?, channels: [String]?,
        availableChannels: Set<DeliveryChannel>
    ) throws(PublicError) -> OrderRegistrar.Contact {
        let order = try OrderRegistration(
            topupId: "gift-card", userId: userId, email: email, phone: phone, locale: locale, channels: channels,
            topupRef: nil
        ).validated(availableChannels: availableChannels)
        return OrderRegistrar.Contact(
            userId: order.userId, email: order.email, phone: order.phone, locale: order.locale,
            channels: order.channels)
    }
}
