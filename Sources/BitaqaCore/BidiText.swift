/// Left-to-right runs inside right-to-left text. In an Arabic sentence a phone number (`+213…`), a USSD
/// code (`*600#`), a card type (`4G`), an id or an address is a left-to-right run whose neutral edges
/// (`+`, `*`, `#`) the bidi algorithm would otherwise move to the wrong side (`#600*`, `…56+`). Each
/// such run is isolated: in HTML with `<bdi dir="ltr">`, in plain text (SMS) with U+2066 LEFT-TO-RIGHT
/// ISOLATE … U+2069 POP DIRECTIONAL ISOLATE.
public enum BidiText {
    /// U+2066 LEFT-TO-RIGHT ISOLATE.
    public static let ltrIsolate = "\u{2066}"
    /// U+2069 POP DIRECTIONAL ISOLATE.
    public static let popIsolate = "\u{2069}"

    /// `text` between the plain-text isolates.
    public static func isolated(_ text: String) -> String { ltrIsolate + text + popIsolate }

    /// `text` HTML-escaped, each left-to-right run wrapped in `<bdi dir="ltr">`. A run is one or more
    /// words holding a Latin letter, a digit or one of `+*#@`, with the spaces between them; the
    /// punctuation that ends a sentence (`.`, `:`, `،`) stays outside.
    public static func html(_ text: String) -> String {
        var out = ""
        var run = ""
        var pendingSpace = ""
        func flush() {
            guard !run.isEmpty else { return }
            out += "<bdi dir=\"ltr\">" + escape(run) + "</bdi>"
            run = ""
        }
        for word in words(text) {
            if word.allSatisfy(\.isWhitespace) {
                if run.isEmpty { out += escape(word) } else { pendingSpace += word }
                continue
            }
            let (core, trailing) = split(word)
            if isLeftToRight(core) {
                run += pendingSpace + core
                pendingSpace = ""
                if !trailing.isEmpty {
                    flush()
                    out += escape(trailing)
                }
            } else {
                flush()
                out += escape(pendingSpace) + escape(word)
                pendingSpace = ""
            }
        }
        flush()
        return out + escape(pendingSpace)
    }

    /// Whether a word reads left to right: a Latin letter, a digit, or `+*#@` in it.
    public static func isLeftToRight(_ word: String) -> Bool {
        word.unicodeScalars.contains {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                || "+*#@".unicodeScalars.contains($0)
        }
    }

    /// Words and the blanks between them, in order.
    static func words(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        for character in text {
            if let last = current.last, last.isWhitespace != character.isWhitespace {
                parts.append(current)
                current = ""
            }
            current.append(character)
        }
        if !current.isEmpty { parts.append(current) }
        return parts
    }

    /// A word and the sentence punctuation it ends with.
    static func split(_ word: String) -> (String, String) {
        var core = word
        var trailing = ""
        while let last = core.last, ".:,;!?،؛)".contains(last), core.count > 1 {
            trailing = String(last) + trailing
            core.removeLast()
        }
        return (core, trailing)
    }

    /// HTML-escaped text.
    public static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
