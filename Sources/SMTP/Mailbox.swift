/// An email address with an optional display name, such as `Cards <cards@shop.example>`.
public struct Mailbox: Sendable, Hashable, CustomStringConvertible {
    /// The address, `local@domain`, used in the envelope and the headers.
    public var address: String
    /// The display name shown by mail readers, if any.
    public var name: String?

    /// Wraps an address and name as given; they are checked when the email is rendered or sent.
    public init(address: String, name: String? = nil) {
        self.address = address
        self.name = name
    }

    /// Parses `Name <local@domain>`, `"Name, Inc." <local@domain>`, `<local@domain>` or `local@domain`.
    ///
    /// - Throws: ``SMTPError`` of kind ``SMTPError/Kind/invalidMessage`` when the text is not a mailbox.
    public init(parsing text: String) throws(SMTPError) {
        let trimmed = text.trimmingSpaces
        if let open = trimmed.lastIndex(of: "<") {
            guard trimmed.hasSuffix(">") else {
                throw .invalidMessage("a mailbox with '<' must end with '>'")
            }
            let address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
            var name = String(trimmed[..<open]).trimmingSpaces
            if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") {
                name = Self.unquoted(name.dropFirst().dropLast())
            }
            self.init(address: address.trimmingSpaces, name: name.isEmpty ? nil : name)
        } else {
            self.init(address: trimmed)
        }
        try self.validate(field: "mailbox")
    }

    /// Whether this client would send to `address`: the one check that both the mailer (when it sends)
    /// and anything accepting an address for later delivery (registration) use.
    public static func isSendable(_ address: String) -> Bool {
        do {
            try Mailbox(address: address).validate(field: "address")
            return true
        } catch {
            return false
        }
    }

    /// `Name <address>` as written by a person; headers use an encoded form instead.
    public var description: String {
        guard let name = self.name else {
            return self.address
        }
        return "\(name) <\(self.address)>"
    }

    /// Checks the address shape and that nothing can break out of a header or an SMTP command line.
    func validate(field: String) throws(SMTPError) {
        if let name = self.name, name.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) {
            throw .invalidMessage("the display name in \(field) holds a line break or NUL")
        }
        let scalars = self.address.unicodeScalars
        if scalars.contains(where: { $0 == "\r" || $0 == "\n" }) {
            throw .invalidMessage("the address in \(field) holds a line break")
        }
        let forbidden: Set<Unicode.Scalar> = ["<", ">", "(", ")", ",", ";", ":", "[", "]", "\"", "\\", " "]
        // Format characters (right-to-left overrides, zero-width joiners) and other invisibles make an
        // address read differently from what it is.
        let invisible: (Unicode.Scalar) -> Bool = {
            [.format, .control, .spaceSeparator, .lineSeparator, .paragraphSeparator, .unassigned, .privateUse]
                .contains($0.properties.generalCategory)
        }
        guard
            scalars.allSatisfy({
                $0.value > 0x20 && $0.value != 0x7F && !forbidden.contains($0) && !invisible($0)
            })
        else {
            throw .invalidMessage("the address in \(field) holds a space, control or special character")
        }
        guard self.address.filter({ $0 == "@" }).count == 1 else {
            throw .invalidMessage("the address in \(field) is not local@domain")
        }
        guard let at = self.address.lastIndex(of: "@"), at != self.address.startIndex,
            self.address.index(after: at) != self.address.endIndex
        else {
            throw .invalidMessage("the address in \(field) is not local@domain")
        }
        // RFC 5321 limits a path to 256 octets including the angle brackets.
        guard self.address.utf8.count <= 254 else {
            throw .invalidMessage("the address in \(field) is longer than 254 bytes")
        }
    }

    var needsSMTPUTF8: Bool {
        !self.address.utf8.allSatisfy { $0 < 0x80 }
    }

    private static func unquoted(_ text: Substring) -> String {
        var result = ""
        var escaped = false
        for character in text {
            if !escaped, character == "\\" {
                escaped = true
                continue
            }
            escaped = false
            result.append(character)
        }
        return result
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = self.firstIndex(where: { !isSpace($0) }), let last = self.lastIndex(where: { !isSpace($0) })
        else {
            return ""
        }
        return String(self[first...last])
    }
}
