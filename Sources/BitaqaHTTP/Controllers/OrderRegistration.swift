import BitaqaCore
import Foundation
import Orders
import SMTP

/// The body of `POST /v1/orders`, checked and normalised into a ``NewOrder``.
struct OrderRegistration: ClosedJSONObject {
    static let fields: Set<String> = ["topupId", "userId", "email", "phone", "locale", "channels", "topupRef"]

    var topupId: String
    var userId: String
    var email: String?
    var phone: String?
    var locale: String?
    var channels: [String]?
    var topupRef: String?

    /// Checks every field; the first problem becomes a 400 naming the field.
    func validated(availableChannels: Set<DeliveryChannel> = Set(DeliveryChannel.allCases)) throws(PublicError)
        -> NewOrder
    {
        guard let topupId = TopupID(topupId) else {
            throw .badRequest("topupId must be 1 to 128 printable characters without spaces or '/'")
        }
        guard let userId = UserID(userId) else {
            throw .badRequest("userId must be 1 to 128 printable characters without spaces or '/'")
        }
        let email = try email.map { (value: String) throws(PublicError) -> String in
            // The mailer's own check, so no order is accepted whose card could never be emailed.
            guard ContactRules.isValidEmail(value), Mailbox.isSendable(value) else {
                throw .badRequest("email is not a valid e-mail address")
            }
            return value
        }
        let phone = try phone.map { (value: String) throws(PublicError) -> String in
            guard let normalised = ContactRules.normalisedAlgerianPhone(value) else {
                throw .badRequest("phone must be an Algerian mobile number, 0XXXXXXXXX or +213XXXXXXXXX")
            }
            return normalised
        }
        let locale: CustomerLocale
        if let raw = self.locale {
            guard let parsed = CustomerLocale(rawValue: raw) else { throw .badRequest("locale must be ar, fr or en") }
            locale = parsed
        } else {
            locale = .default
        }
        var channels: [DeliveryChannel] = []
        if let requested = self.channels {
            for raw in requested {
                guard let channel = DeliveryChannel(rawValue: raw) else {
                    throw .badRequest("channels may hold only email and sms (the in-app display always exists)")
                }
                if !channels.contains(channel) { channels.append(channel) }
            }
            if channels.contains(.email) && email == nil { throw .badRequest("the email channel needs an email") }
            if channels.contains(.sms) && phone == nil { throw .badRequest("the sms channel needs a phone") }
            if let missing = channels.first(where: { !availableChannels.contains($0) }) {
                throw .badRequest("the \(missing.rawValue) channel is not configured on this server")
            }
        } else {
            if email != nil && availableChannels.contains(.email) { channels.append(.email) }
            if phone != nil && availableChannels.contains(.sms) { channels.append(.sms) }
        }
        if let topupRef, !(1...64).contains(topupRef.count) {
            throw .badRequest("topupRef must be 1 to 64 characters")
        }
        var order = NewOrder(
            topupId: topupId, topupRef: topupRef, userId: userId, email: email, phone: phone, locale: locale,
            channels: channels, fingerprint: ""
        )
        order.fingerprint = OrderFingerprint.of(order)
        return order
    }
}
