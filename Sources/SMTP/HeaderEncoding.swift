/// Header field values as RFC 5322 words, RFC 2047 encoded words and folded lines.
///
/// Every value is built as a list of words that may be separated by folding white space; ``fold(name:words:)``
/// breaks lines between words so no line is longer than 78 octets unless a single word is, and no word built
/// here is longer than a few hundred octets, far under the hard limit of 998.
enum HeaderEncoding {
    static let preferredLineLength = 78
    /// 45 octets give 60 base64 characters, so `=?utf-8?B?...?=` stays within RFC 2047's 75.
    private static let encodedWordPayload = 45
    private static let plainWordLimit = 70
    private static let atextSpecials = Set("!#$%&'*+-/=?^_`{|}~")

    /// `Name: word word` with CRLF SP folds; no trailing CRLF.
    static func fold(name: String, words: [String]) -> String {
        let head = name + ":"
        var lines: [String] = []
        var current = head
        for word in words {
            if current != head, current.utf8.count + 1 + word.utf8.count > Self.preferredLineLength {
                lines.append(current)
                current = " " + word
            } else {
                current += " " + word
            }
        }
        lines.append(current)
        return lines.joined(separator: "\r\n")
    }

    /// Words of an unstructured value such as the subject: plain when safe, else encoded words.
    static func unstructuredWords(_ text: String) -> [String] {
        let words = text.split(separator: " ", omittingEmptySubsequences: false)
        let isPlain =
            text.unicodeScalars.allSatisfy { (0x20...0x7E).contains($0.value) }
            && !text.contains("=?")
            && words.allSatisfy { !$0.isEmpty && $0.utf8.count <= Self.plainWordLimit }
        if text.isEmpty {
            return []
        }
        return isPlain ? words.map(String.init) : Self.encodedWords(text)
    }

    /// Words of a display name: atoms, one quoted string, or encoded words.
    static func phraseWords(_ text: String) -> [String] {
        let words = text.split(separator: " ", omittingEmptySubsequences: false)
        let isAtoms =
            !text.contains("=?")
            && words.allSatisfy { word in
                !word.isEmpty && word.utf8.count <= Self.plainWordLimit && word.allSatisfy(Self.isAtext)
            }
        if isAtoms {
            return words.map(String.init)
        }
        let isQuotable =
            text.unicodeScalars.allSatisfy { (0x20...0x7E).contains($0.value) }
            && !text.contains("=?") && text.utf8.count <= Self.plainWordLimit
        if isQuotable {
            let escaped = text.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"")
            return ["\"\(escaped)\""]
        }
        return Self.encodedWords(text)
    }

    private static func isAtext(_ character: Character) -> Bool {
        (character.isASCII && (character.isLetter || character.isNumber)) || Self.atextSpecials.contains(character)
    }

    /// `Name <address>` or `address`, as words.
    static func mailboxWords(_ mailbox: Mailbox) -> [String] {
        guard let name = mailbox.name, !name.isEmpty else {
            return [mailbox.address]
        }
        return Self.phraseWords(name) + ["<\(mailbox.address)>"]
    }

    /// A comma separated address list, as words.
    static func addressListWords(_ mailboxes: [Mailbox]) -> [String] {
        var words: [String] = []
        for (index, mailbox) in mailboxes.enumerated() {
            var mailboxWords = Self.mailboxWords(mailbox)
            if index < mailboxes.count - 1 {
                mailboxWords[mailboxWords.count - 1] += ","
            }
            words += mailboxWords
        }
        return words
    }

    /// `=?utf-8?B?...?=` words, each holding whole characters as RFC 2047 requires.
    static func encodedWords(_ text: String) -> [String] {
        var chunks: [[UInt8]] = []
        var current: [UInt8] = []
        func append(_ bytes: [UInt8]) {
            if current.count + bytes.count > Self.encodedWordPayload {
                chunks.append(current)
                current = []
            }
            current += bytes
        }
        for character in text {
            let bytes = Array(character.utf8)
            if bytes.count <= Self.encodedWordPayload {
                append(bytes)
            } else {
                // A grapheme too long for one word (long emoji sequences) is split between its scalars.
                for scalar in character.unicodeScalars {
                    append(Array(String(scalar).utf8))
                }
            }
        }
        if !current.isEmpty {
            chunks.append(current)
        }
        return chunks.map { "=?utf-8?B?\(Base64.encode($0))?=" }
    }
}
