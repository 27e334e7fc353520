import BitaqaCore

/// A message ready for a channel. Its text carries the card code, so it never describes itself.
public struct OutgoingMessage: Sendable, CustomStringConvertible, CustomReflectable {
    public let channel: DeliveryChannel
    /// The e-mail address or E.164 phone number.
    public let recipient: String
    public let subject: String
    public let text: String
    public let html: String?
    /// Stable per order, channel and purpose, so a repeated send can be recognised (`Message-ID`).
    public let messageID: String
    public let topupId: TopupID
    /// The display name of the sender (the shop's name), in place of the configured one.
    public let senderName: String?

    public init(
        channel: DeliveryChannel, recipient: String, subject: String, text: String, html: String? = nil,
        messageID: String, topupId: TopupID, senderName: String? = nil
    ) {
        self.channel = channel
        self.recipient = recipient
        self.subject = subject
        self.text = text
        self.html = html
        self.messageID = messageID
        self.topupId = topupId
        self.senderName = senderName
    }

    public var description: String { "OutgoingMessage(\(channel.rawValue), order \(topupId), redacted)" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}

/// Why a channel did not take a message. The reason is written for the merchant and never holds the card.
public struct DeliveryFailure: Error, Sendable, CustomStringConvertible {
    /// Permanent failures are not retried (a refused recipient); temporary ones are, with backoff.
    public let isPermanent: Bool
    public let reason: String

    public static func temporary(_ reason: String) -> DeliveryFailure {
        DeliveryFailure(isPermanent: false, reason: reason)
    }
    public static func permanent(_ reason: String) -> DeliveryFailure {
        DeliveryFailure(isPermanent: true, reason: reason)
    }

    public var description: String { (isPermanent ? "permanent: " : "temporary: ") + reason }
}

/// Something that carries messages to buyers: SMTP, an SMS gateway, the development outbox.
public protocol MessageChannel: Sendable {
    /// Sends one message; returns the provider's message id when it gives one.
    func send(_ message: OutgoingMessage) async throws(DeliveryFailure) -> String?
}
