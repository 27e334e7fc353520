import BitaqaCore
import Foundation
import Logging
import SMTP

/// Email over SMTP: STARTTLS or implicit TLS with AUTH, as `BITAQA_SMTP_URL` says.
///
/// 4xx replies and lost connections are temporary (the deliverer retries), 5xx permanent. The reason
/// passed on holds the reply code and the server's short text, never the message.
public struct EmailChannel: MessageChannel {
    let client: SMTPClient
    let from: Mailbox

    /// Why the SMTP settings cannot be used; the text never holds the password.
    public struct SettingsError: Error, CustomStringConvertible {
        /// The environment variable at fault.
        public let setting: String
        public let reason: String

        public var description: String { "\(setting): \(reason)" }
    }

    public init(url: Secret, from: String, caFile: String?, heloName: String = "bitaqa", logger: Logger) throws {
        do {
            let configuration = try SMTPConfiguration(url: url.unsafeRevealed, caFile: caFile, heloName: heloName)
            self.client = SMTPClient(configuration: configuration, logger: logger)
        } catch {
            throw SettingsError(setting: "BITAQA_SMTP_URL", reason: error.description)
        }
        do {
            self.from = try Mailbox(parsing: from)
        } catch {
            throw SettingsError(setting: "BITAQA_SMTP_FROM", reason: "not an address like `Cards <cards@shop.dz>`")
        }
    }

    public func send(_ message: OutgoingMessage) async throws(DeliveryFailure) -> String? {
        let email = Email(
            from: Mailbox(address: from.address, name: message.senderName ?? from.name),
            to: [Mailbox(address: message.recipient)], subject: message.subject, text: message.text,
            html: message.html, messageID: "<\(message.messageID)>"
        )
        do {
            return try await client.send(email)
        } catch {
            // Servers often quote the refused address; the reason is stored and shown, so it names it masked.
            let reason = ("SMTP " + (error.replyCode.map { "\($0) " } ?? "") + (error.serverText ?? "\(error.kind)"))
                .replacingOccurrences(
                    of: message.recipient, with: ContactRules.masked(message.recipient, channel: .email),
                    options: .caseInsensitive)
            throw error.isPermanent ? .permanent(reason) : .temporary(reason)
        }
    }
}
