/// The extensions a server announced in its EHLO reply.
struct SMTPCapabilities: Sendable, Equatable {
    var startTLS = false
    var smtpUTF8 = false
    var eightBitMIME = false
    /// Upper-cased SASL mechanism names from `AUTH` (and the old `AUTH=` form).
    var authMechanisms: Set<String> = []

    /// What a server that only answered HELO supports: nothing.
    static let none = SMTPCapabilities()

    /// Reads the EHLO reply; its first line is the greeting, the others one keyword each.
    init(ehloReply: SMTPReply) {
        for line in ehloReply.lines.dropFirst() {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "=" }).map { $0.uppercased() }
            guard let keyword = words.first else {
                continue
            }
            switch keyword {
            case "STARTTLS": self.startTLS = true
            case "SMTPUTF8": self.smtpUTF8 = true
            case "8BITMIME": self.eightBitMIME = true
            case "AUTH": self.authMechanisms.formUnion(words.dropFirst())
            default: break
            }
        }
    }

    private init() {}
}
