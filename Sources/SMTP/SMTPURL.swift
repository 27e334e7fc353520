/// The parts of an `smtp://`, `smtps://` or `smtp+insecure://` URL.
///
/// Parsed by hand rather than with Foundation's `URL` so that the rules are the same on every platform and
/// passwords holding `@` or `/` unencoded still work: the host starts after the last `@`.
struct SMTPURL: Sendable, Equatable {
    var scheme: String
    var username: String?
    var password: String?
    var host: String
    var port: Int?

    init(parsing text: String) throws(SMTPError) {
        guard let separator = text.firstRange(of: "://") else {
            throw .invalidConfiguration("the SMTP URL has no scheme")
        }
        self.scheme = text[..<separator.lowerBound].lowercased()
        var rest = text[separator.upperBound...]

        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                self.username = try Self.percentDecoded(userInfo[..<colon], part: "user name")
                self.password = try Self.percentDecoded(userInfo[userInfo.index(after: colon)...], part: "password")
            } else {
                self.username = try Self.percentDecoded(userInfo, part: "user name")
            }
        }

        var authority = rest
        if let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) {
            authority = rest[..<end]
            guard rest[end...] == "/" else {
                throw .invalidConfiguration("the SMTP URL must not have a path, query or fragment")
            }
        }

        let portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw .invalidConfiguration("the SMTP URL has an unterminated IPv6 address")
            }
            self.host = String(authority[authority.index(after: authority.startIndex)..<close])
            let afterHost = authority[authority.index(after: close)...]
            guard afterHost.isEmpty || afterHost.hasPrefix(":") else {
                throw .invalidConfiguration("the SMTP URL has text after its IPv6 address")
            }
            portText = afterHost.isEmpty ? nil : afterHost.dropFirst()
        } else if let colon = authority.lastIndex(of: ":") {
            self.host = String(authority[..<colon])
            portText = authority[authority.index(after: colon)...]
        } else {
            self.host = String(authority)
            portText = nil
        }

        guard !self.host.isEmpty,
            self.host.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F })
        else {
            throw .invalidConfiguration("the SMTP URL has no valid host")
        }
        if let portText {
            guard let port = Int(portText), (1...65535).contains(port) else {
                throw .invalidConfiguration("the SMTP URL has an invalid port")
            }
            self.port = port
        }
    }

    /// Decodes `%XX` escapes; the error never quotes the input because it may be the password.
    static func percentDecoded(_ text: Substring, part: String) throws(SMTPError) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(Self.hexValue), let low = iterator.next().flatMap(Self.hexValue)
            else {
                throw .invalidConfiguration("the \(part) in the SMTP URL has an invalid percent escape")
            }
            bytes.append(high << 4 | low)
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw .invalidConfiguration("the \(part) in the SMTP URL is not UTF-8 once decoded")
        }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
