import BitaqaCore
import Foundation
import SMTP

/// The development channel: each message becomes a file under `<outbox>/<channel>/`, mode 0600: an
/// email as the `.eml` the SMTP client would send, an SMS as `.txt`.
///
/// It exists so that `swift run bitaqa serve` delivers with no mail or SMS account. Production refuses it.
/// The files name their recipient masked (`b***r@shop.dz`, `+21355*****67`): a buyer's contact is
/// personal data and lives sealed in the database only, so the data directory holds none in clear.
public struct OutboxChannel: MessageChannel {
    public let directory: String
    let from: Mailbox

    public init(directory: String, emailFrom: String? = nil) {
        self.directory = directory
        self.from =
            emailFrom.flatMap { try? Mailbox(parsing: $0) } ?? Mailbox(address: "cards@localhost", name: "Bitaqa")
    }

    public func send(_ message: OutgoingMessage) async throws(DeliveryFailure) -> String? {
        let folder = directory + "/" + message.channel.rawValue
        let name = Self.fileName(for: message)
        do {
            try FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let content: [UInt8]
            if message.channel == .email {
                let email = Email(
                    from: Mailbox(address: from.address, name: message.senderName ?? from.name),
                    to: [Mailbox(address: ContactRules.masked(message.recipient, channel: .email))],
                    subject: message.subject, text: message.text,
                    html: message.html, messageID: "<\(message.messageID)>"
                )
                do {
                    content = try MIMEMessage.render(email)
                } catch {
                    throw DeliveryFailure.permanent("the email cannot be written: \(error.kind)")
                }
            } else {
                content = Array(
                    "To: \(ContactRules.masked(message.recipient, channel: .sms))\nMessage-ID: <\(message.messageID)>\n\n\(message.text)\n"
                        .utf8)
            }
            guard
                FileManager.default.createFile(
                    atPath: folder + "/" + name, contents: Data(content), attributes: [.posixPermissions: 0o600])
            else {
                throw DeliveryFailure.temporary("the outbox folder is not writable")
            }
        } catch let failure as DeliveryFailure {
            throw failure
        } catch {
            throw DeliveryFailure.temporary("the outbox folder is not writable")
        }
        return name
    }

    /// Unique per attempt, and starting with the stable message id so repeats group together.
    static func fileName(for message: OutgoingMessage) -> String {
        let safe = message.messageID.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? $0 : "_" }
        let suffix = message.channel == .email ? ".eml" : ".txt"
        return String(safe) + "." + String(UInt64(Date().timeIntervalSince1970 * 1_000_000)) + suffix
    }
}
