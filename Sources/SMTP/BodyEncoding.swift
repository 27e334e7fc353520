/// A text body in canonical CRLF form, encoded for a 7-bit transport.
struct BodyEncoding {
    let transferEncoding: String
    let lines: [String]

    /// Picks quoted-printable for mostly ASCII text, where it stays readable, and base64 once more than about
    /// a sixth of the bytes are non-ASCII, where quoted-printable's three characters per byte cost more.
    init(_ text: String) {
        let hardLines = text.split(omittingEmptySubsequences: false) { $0 == "\r\n" || $0 == "\n" || $0 == "\r" }
            .map(String.init)
        let bytes = hardLines.joined(separator: "\r\n").utf8
        let nonASCII = bytes.count { $0 >= 0x80 }
        if nonASCII * 6 > bytes.count {
            self.transferEncoding = "base64"
            self.lines = Base64.encodeLines(Array(bytes))
        } else {
            self.transferEncoding = "quoted-printable"
            self.lines = QuotedPrintable.encodeLines(hardLines)
        }
    }
}
