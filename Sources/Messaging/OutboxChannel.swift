import BitaqaCore
import Foundation

/// The development channel: each message becomes a file under `<outbox>/<channel>/`, mode 0600.
///
/// It exists so that `swift run bitaqa serve` delivers with no mail or SMS account. Production refuses it.
public struct OutboxChannel: MessageChannel {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    public func send(_ message: OutgoingMessage) async throws(DeliveryFailure) -> String? {
        let folder = directory + "/" + message.channel.rawValue
        let name = Self.fileName(for: message)
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            var content = "To: \(message.recipient)\nMessage-ID: <\(message.messageID)>\n"
            if message.channel == .email { content += "Subject: \(message.subject)\n" }
            content += "\n" + message.text + "\n"
            if let html = message.html { content += "\n--- html ---\n" + html + "\n" }
            guard FileManager.default.createFile(atPath: folder + "/" + name, contents: Data(content.utf8), attributes: [.posixPermissions: 0o600]) else {
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
        return String(safe) + "." + String(UInt64(Date().timeIntervalSince1970 * 1_000_000)) + ".txt"
    }
}
