/// Renders an ``Email`` as an RFC 5322 / MIME message.
///
/// The output uses CRLF line endings, is 7-bit unless an address needs SMTPUTF8, keeps header lines within
/// 998 octets and body lines within 76 characters. It is not dot-stuffed: that belongs to the SMTP transport.
public enum MIMEMessage {
    /// Renders `email` to the bytes of a message.
    ///
    /// - Throws: ``SMTPError`` of kind ``SMTPError/Kind/invalidMessage`` when a header value or address holds a
    ///   line break, an address is malformed, there is no recipient, or the message id is not `<left@right>`.
    public static func render(_ email: Email) throws(SMTPError) -> [UInt8] {
        try Self.validate(email)
        let messageID = try Self.normalisedMessageID(email.messageID)

        var lines = [
            "Date: " + RFC5322Date.format(email.date),
            HeaderEncoding.fold(name: "From", words: HeaderEncoding.mailboxWords(email.from)),
            HeaderEncoding.fold(name: "To", words: HeaderEncoding.addressListWords(email.to)),
            HeaderEncoding.fold(name: "Subject", words: HeaderEncoding.unstructuredWords(email.subject)),
            "Message-ID: " + messageID,
            "MIME-Version: 1.0",
        ]
        let text = BodyEncoding(email.text)
        if let html = email.html {
            let html = BodyEncoding(html)
            let boundary = Self.boundary(for: email)
            lines += [
                "Content-Type: multipart/alternative;\r\n boundary=\"\(boundary)\"",
                "",
                "This is a multi-part message in MIME format.",
                "--" + boundary,
            ]
            lines += Self.part(text, type: "text/plain")
            lines.append("--" + boundary)
            lines += Self.part(html, type: "text/html")
            lines.append("--" + boundary + "--")
        } else {
            lines += Self.part(text, type: "text/plain")
        }
        var message = lines.joined(separator: "\r\n")
        // A body that ends with a line break already ends in CRLF; SMTP needs one before its final dot.
        if !message.hasSuffix("\r\n") {
            message += "\r\n"
        }
        return Array(message.utf8)
    }

    static func validate(_ email: Email) throws(SMTPError) {
        try email.from.validate(field: "From")
        guard !email.to.isEmpty else {
            throw .invalidMessage("the email has no recipient")
        }
        for mailbox in email.to {
            try mailbox.validate(field: "To")
        }
        if email.subject.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) {
            throw .invalidMessage("the subject holds a line break or NUL")
        }
    }

    /// `<left@right>`; the caller's id is kept as is so it stays stable across retries.
    static func normalisedMessageID(_ id: String) throws(SMTPError) -> String {
        if id.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) {
            throw .invalidMessage("the message id holds a line break")
        }
        var inner = Substring(id)
        if inner.hasPrefix("<"), inner.hasSuffix(">"), inner.count >= 2 {
            inner = inner.dropFirst().dropLast()
        }
        guard !inner.isEmpty, inner.utf8.count <= 900,
            inner.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) && $0 != "<" && $0 != ">" }),
            let at = inner.firstIndex(of: "@"), at != inner.startIndex, inner.index(after: at) != inner.endIndex
        else {
            throw .invalidMessage("the message id must look like <left@right> in printable ASCII")
        }
        return "<\(inner)>"
    }

    private static func part(_ body: BodyEncoding, type: String) -> [String] {
        [
            "Content-Type: \(type); charset=utf-8",
            "Content-Transfer-Encoding: \(body.transferEncoding)",
            "",
        ] + body.lines
    }

    /// Derived from the content so rendering stays a pure function. `=_` cannot occur in quoted-printable or
    /// base64 output, so the boundary never collides with a body line.
    private static func boundary(for email: Email) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in [email.messageID, email.subject, email.text, email.html ?? ""].joined(separator: "\0").utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        let hex = String(hash, radix: 16)
        return "=_Part_" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}
