import BitaqaCore
import Orders
import SMTP

/// The body of `PATCH /v1/orders/{topupId}`: a new email, a new phone, or both, checked exactly as at
/// registration.
struct ContactChange: ClosedJSONObject {
    static let fields: Set<String> = ["email", "phone"]

    var email: String?
    var phone: String?

    func validated() throws(PublicError) -> ContactCorrection.Change {
        guard email != nil || phone != nil else { throw .badRequest("give an email, a phone, or both") }
        if let email, !(ContactRules.isValidEmail(email) && Mailbox.isSendable(email)) {
            throw .badRequest("email is not a valid e-mail address")
        }
        var normalised: String?
        if let phone {
            guard let value = ContactRules.normalisedAlgerianPhone(phone) else {
                throw .badRequest("phone must be an Algerian mobile number, 0XXXXXXXXX or +213XXXXXXXXX")
            }
            normalised = value
        }
        return ContactCorrection.Change(email: email, phone: normalised)
    }
}
