#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One email to send: addresses, subject, a plain text body and an optional HTML alternative.
public struct Email: Sendable {
    /// The author, used for the `From` header and the envelope sender.
    public var from: Mailbox
    /// The recipients, used for the `To` header and the envelope.
    public var to: [Mailbox]
    /// The subject, any Unicode; encoded per RFC 2047 when needed.
    public var subject: String
    /// The plain text body.
    public var text: String
    /// The HTML body; when present the email is `multipart/alternative` with the text first.
    public var html: String?
    /// The `Message-ID` chosen by the caller, with or without angle brackets, such as `<id@host>`.
    public var messageID: String
    /// The `Date` header.
    public var date: Date

    /// Creates an email; its fields are checked when it is rendered or sent.
    public init(
        from: Mailbox,
        to: [Mailbox],
        subject: String,
        text: String,
        html: String? = nil,
        messageID: String,
        date: Date = Date()
    ) {
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
        self.messageID = messageID
        self.date = date
    }
}
