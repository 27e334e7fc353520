import BitaqaCore
import Configuration
import Foundation

/// How messages reach buyers.
///
/// Keys:
/// - `BITAQA_SMTP_URL`: `smtp://user:pass@host:587` (STARTTLS required), `smtps://…:465` (implicit TLS),
///   `smtp+insecure://host:25` (plain text, explicit). Secret: it holds the password.
/// - `BITAQA_SMTP_FROM`: the sender, e.g. `Cards <cards@shop.dz>`; required with `BITAQA_SMTP_URL`.
/// - `BITAQA_SMTP_CA_FILE`: an extra CA certificate (PEM) to trust for the SMTP server.
/// - `BITAQA_SMS_URL`, `BITAQA_SMS_ACCOUNT_SID`, `BITAQA_SMS_AUTH_TOKEN` (secret), `BITAQA_SMS_FROM`: a
///   Twilio-compatible SMS API; all four or none.
/// - `BITAQA_EMAIL_MODE`: `code` (default) puts the card in the email, `link` a link to the reveal page.
/// - `BITAQA_SHOP_NAME` (at most 24 characters), `BITAQA_SHOP_URL` (`https://…`), `BITAQA_SHOP_SUPPORT` (an
///   email address or a phone number), `BITAQA_SHOP_LOGO_URL` (`https://…`): the shop, named in every
///   message (the email's subject and sender, and text) and page.
public struct MessagingSettings: Sendable {
    public enum EmailMode: String, Sendable, CaseIterable {
        case code
        case link
    }

    public struct SMS: Sendable {
        public let url: String
        public let accountSID: String
        public let authToken: Secret
        public let sender: String
    }

    public var smtpURL: Secret?
    public var smtpFrom: String?
    public var smtpCAFile: String?
    public var sms: SMS?
    public var emailMode: EmailMode
    public var shop: ShopIdentity

    init(reader: ConfigReader) throws(ConfigurationError) {
        let smtp = SettingsReader(reader, scope: ["bitaqa", "smtp"])
        let sms = SettingsReader(reader, scope: ["bitaqa", "sms"])
        smtpURL = smtp.string("url", secret: true).map(Secret.init)
        smtpFrom = smtp.string("from")
        smtpCAFile = smtp.string("ca.file")
        emailMode = try SettingsReader(reader, scope: ["bitaqa", "email"]).choice("mode", default: EmailMode.code)
        shop = try Self.shop(SettingsReader(reader, scope: ["bitaqa", "shop"]))
        if let url = smtpURL?.unsafeRevealed {
            guard ["smtp://", "smtps://", "smtp+insecure://"].contains(where: url.hasPrefix) else {
                throw ConfigurationError("BITAQA_SMTP_URL", "use smtp://, smtps:// or smtp+insecure://")
            }
            guard smtpFrom != nil else {
                throw ConfigurationError("BITAQA_SMTP_FROM", "is required with BITAQA_SMTP_URL")
            }
        }
        if let file = smtpCAFile, !FileManager.default.isReadableFile(atPath: file) {
            throw ConfigurationError("BITAQA_SMTP_CA_FILE", "cannot read the file \(file)")
        }
        let values = [
            sms.string("url"), sms.string("account.sid"), sms.string("auth.token", secret: true), sms.string("from"),
        ]
        let names = ["BITAQA_SMS_URL", "BITAQA_SMS_ACCOUNT_SID", "BITAQA_SMS_AUTH_TOKEN", "BITAQA_SMS_FROM"]
        if let smsURL = values[0], let accountSID = values[1], let authToken = values[2], let sender = values[3] {
            guard let url = URL(string: smsURL), ["http", "https"].contains(url.scheme ?? "") else {
                throw ConfigurationError("BITAQA_SMS_URL", "is not an http or https URL")
            }
            self.sms = SMS(url: smsURL, accountSID: accountSID, authToken: Secret(authToken), sender: sender)
        } else if let missing = zip(names, values).first(where: { $0.1 == nil }), values.contains(where: { $0 != nil })
        {
            throw ConfigurationError(missing.0, "is required with the other BITAQA_SMS_* settings")
        } else {
            self.sms = nil
        }
    }

    static func shop(_ settings: SettingsReader) throws(ConfigurationError) -> ShopIdentity {
        func text(_ key: String) -> String? {
            settings.string(key).map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        let shop = ShopIdentity(
            name: text("name"), url: text("url"), support: text("support"), logoURL: text("logo.url"))
        if let name = shop.name {
            guard name.count <= ShopIdentity.maxNameLength else {
                throw ConfigurationError(
                    "BITAQA_SHOP_NAME", "is longer than \(ShopIdentity.maxNameLength) characters")
            }
            guard !name.contains(where: { $0.isNewline || $0 == "<" || $0 == ">" || $0 == "\"" }) else {
                throw ConfigurationError("BITAQA_SHOP_NAME", "may not hold line breaks, quotes or angle brackets")
            }
        }
        for (key, value) in [("BITAQA_SHOP_URL", shop.url), ("BITAQA_SHOP_LOGO_URL", shop.logoURL)] {
            guard let value else { continue }
            guard let url = URL(string: value), url.scheme == "https" || url.scheme == "http", url.host != nil else {
                throw ConfigurationError(key, "is not an http or https URL")
            }
        }
        if let support = shop.support {
            let isEmail = support.contains("@") && !support.contains(" ")
            let isPhone = support.allSatisfy { $0.isNumber || " +-().".contains($0) } && support.count >= 4
            guard (isEmail || isPhone) && support.count <= 60 else {
                throw ConfigurationError("BITAQA_SHOP_SUPPORT", "is neither an email address nor a phone number")
            }
        }
        return shop
    }
}
