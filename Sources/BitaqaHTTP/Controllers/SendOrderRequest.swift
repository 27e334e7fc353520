import BitaqaCore
import Orders

/// The body of `POST /v1/orders/send`: the top-up to place and the buyer to deliver to.
struct SendOrderRequest: ClosedJSONObject {
    static let fields: Set<String> = [
        "type", "number", "value", "ref", "userId", "email", "phone", "locale", "channels",
    ]

    var type: String
    var number: String
    var value: Int
    var ref: String?
    var userId: String
    var email: String?
    var phone: String?
    var locale: String?
    var channels: [String]?

    /// Who gets the card, and how.
    func validated(availableChannels: Set<DeliveryChannel>) throws(PublicError) -> (SendRequest, OrderRegistrar.Contact)
    {
        guard let cardType = CardType(rawValue: type) else { throw .badRequest("type must be ADSL or 4G") }
        guard NumberFormat.isValid(number, for: cardType) else {
            throw PublicError(
                .invalidPhone,
                cardType == .adsl
                    ? "an ADSL number is 9 digits starting with 0 (^0[0-9]{8}$)"
                    : "a 4G number is 12 digits starting with 213 (^213[0-9]{9}$)"
            )
        }
        guard (1...1_000_000).contains(value) else { throw .badRequest("value must be a positive amount in DZD") }
        if let ref, !(1...100).contains(ref.count) || ref.contains(where: { $0 == "/" || $0.isWhitespace }) {
            throw .badRequest("ref must be 1 to 100 characters without spaces or '/'")
        }
        // The contact rules are exactly those of registration.
        let registration = OrderRegistration(
            topupId: "pending", userId: userId, email: email, phone: phone, locale: locale, channels: channels,
            topupRef: nil
        )
        let order = try registration.validated(availableChannels: availableChannels)
        let reference =
            ref ?? "bitaqa-" + String(UInt64.random(in: .min ... .max), radix: 36) + "-"
            + String(UInt32.random(in: .min ... .max), radix: 36)
        return (
            SendRequest(type: cardType, number: number, value: value, ref: reference),
            OrderRegistrar.Contact(
                userId: order.userId, email: order.email, phone: order.phone, locale: order.locale,
                channels: order.channels)
        )
    }
}
