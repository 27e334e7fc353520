import NIOCore

/// An email rendered, checked and dot-stuffed before any connection is made.
struct OutgoingMessage: Sendable {
    let sender: String
    let recipients: [String]
    let data: ByteBuffer
    let needsSMTPUTF8: Bool
    let is8Bit: Bool

    init(_ email: Email) throws(SMTPError) {
        let rendered = try MIMEMessage.render(email)
        self.sender = email.from.address
        self.recipients = email.to.map(\.address)
        self.needsSMTPUTF8 = email.from.needsSMTPUTF8 || email.to.contains { $0.needsSMTPUTF8 }
        self.is8Bit = rendered.contains { $0 >= 0x80 }
        self.data = DotStuffing.stuff(rendered)
    }
}
