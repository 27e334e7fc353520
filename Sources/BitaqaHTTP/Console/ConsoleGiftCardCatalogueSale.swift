import BitaqaCore
import Foundation
import Orders

/// `POST /console/gift-cards/catalog/{productId}`; every field as typed. Each channel has a checkbox of its
/// own name, as the form decoder refuses a field given twice.
struct ConsoleGiftCardSaleForm: ConsoleActionForm {
    var csrf: String?
    var typeId: String?
    var quantity: String?
    var userId: String?
    var email: String?
    var phone: String?
    var locale: String?
    var channelEmail: String?
    var channelSms: String?
    var ref: String?
}

/// A counter sale as the form holds it: what the page shows (a fresh one, or what was typed), and the
/// placement it asks for once checked.
struct ConsoleGiftCardSale: Sendable {
    /// Why the form was refused before anything was placed: a word of ``ConsoleTexts``.
    struct Refusal: Error {
        let key: String
    }

    var typeId = ""
    var quantity = "1"
    var userId = ""
    var email = ""
    var phone = ""
    /// The buyer's language as chosen (`fr`, `ar`, `en`).
    var locale: String
    var channels: Set<DeliveryChannel>
    var ref: String

    /// A new sale: one card, the console's language, every channel this server has, a fresh ref.
    static func fresh(locale: CustomerLocale, availableChannels: Set<DeliveryChannel>) -> Self {
        ConsoleGiftCardSale(locale: locale.rawValue, channels: availableChannels, ref: freshRef())
    }

    init(locale: String, channels: Set<DeliveryChannel>, ref: String) {
        self.locale = locale
        self.channels = channels
        self.ref = ref
    }

    /// What was typed, trimmed of surrounding blanks.
    init(_ form: ConsoleGiftCardSaleForm) {
        func trimmed(_ text: String?) -> String { text?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "" }
        typeId = trimmed(form.typeId)
        quantity = trimmed(form.quantity)
        userId = trimmed(form.userId)
        email = trimmed(form.email)
        phone = trimmed(form.phone)
        locale = trimmed(form.locale)
        var channels: Set<DeliveryChannel> = []
        if !trimmed(form.channelEmail).isEmpty { channels.insert(.email) }
        if !trimmed(form.channelSms).isEmpty { channels.insert(.sms) }
        self.channels = channels
        ref = trimmed(form.ref)
    }

    /// The checkbox's field name of `channel`.
    static func field(_ channel: DeliveryChannel) -> String {
        switch channel {
        case .email: "channelEmail"
        case .sms: "channelSms"
        }
    }

    /// A ref no sale has yet: `gc-` and 16 random hexadecimal digits.
    static func freshRef() -> String {
        "gc-" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
    }

    /// The placement this sale asks for, checked by the rules of `POST /v1/gift-card-orders` (the buyer's
    /// contact by exactly the API's), and more: at least one contact, and at least one ticked channel
    /// with its contact given, so the cards reach the buyer. A ticked channel without its contact is
    /// left out.
    func validated(productId: String, maxQuantity: Int, availableChannels: Set<DeliveryChannel>) throws(Refusal)
        -> GiftCardPlacement.Request
    {
        guard (1...100).contains(typeId.count) else { throw Refusal(key: "gcCatChooseType") }
        guard let count = Int(quantity), (1...maxQuantity).contains(count) else {
            throw Refusal(key: "gcCatBadQuantity")
        }
        guard (1...100).contains(ref.utf8.count), GiftCardKey.key(for: ref) != nil else {
            throw Refusal(key: "gcCatBadRef")
        }
        guard !email.isEmpty || !phone.isEmpty else { throw Refusal(key: "gcCatNoContact") }
        let given = DeliveryChannel.allCases.filter {
            channels.contains($0) && !($0 == .email ? email : phone).isEmpty
        }
        guard !given.isEmpty else { throw Refusal(key: "gcCatNoChannel") }
        let contact: OrderRegistrar.Contact
        do throws(PublicError) {
            contact = try GiftCardContact.validated(
                userId: userId, email: email.isEmpty ? nil : email, phone: phone.isEmpty ? nil : phone,
                locale: locale, channels: given.map(\.rawValue), availableChannels: availableChannels)
        } catch {
            throw Refusal(key: Self.key(forContact: error))
        }
        return GiftCardPlacement.Request(
            ref: ref, productId: productId, typeId: typeId, quantity: count, contact: contact)
    }

    /// The word that explains a refused contact, from the API's own check.
    static func key(forContact error: PublicError) -> String {
        let message = error.message
        if message.hasPrefix("userId") { return "gcCatBadUser" }
        if message.hasPrefix("email") { return "gcCatBadEmail" }
        if message.hasPrefix("phone") { return "gcCatBadPhone" }
        if message.hasPrefix("locale") { return "gcCatBadLanguage" }
        if message.contains("channel") { return "gcCatBadChannel" }
        return "gcCatInvalid"
    }

    /// The word that explains a refused placement.
    static func key(_ error: PublicError) -> String {
        switch error.code {
        case .badRequest where error.message.hasPrefix("quantity"): "gcCatBadQuantity"
        case .badRequest where error.message.hasPrefix("ref"): "gcCatBadRef"
        case .upstreamValidation: "gcCatRefusedType"
        case .outOfStock: "gcCatOutOfStock"
        case .insufficientBalance: "gcCatBalance"
        case .duplicatedRef: "gcCatDuplicate"
        case .upstreamUnavailable, .serviceUnavailable: "gcCatUpstreamSale"
        default: "gcCatInvalid"
        }
    }
}
