/// Quoted-printable body encoding (RFC 2045 section 6.7).
enum QuotedPrintable {
    /// Room for the `=` of a soft line break within the 76 character limit.
    private static let maximumContentLength = 75
    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    /// Encodes each hard line of `lines` into one or more output lines of at most 76 characters.
    static func encodeLines(_ lines: [String]) -> [String] {
        var output: [String] = []
        for line in lines {
            let bytes = Array(line.utf8)
            var current: [UInt8] = []
            for (index, byte) in bytes.enumerated() {
                let isLast = index == bytes.count - 1
                let token: [UInt8]
                switch byte {
                // Trailing white space would be stripped in transit, so only inner spaces stay literal.
                case UInt8(ascii: " "), UInt8(ascii: "\t"):
                    token = isLast ? Self.escaped(byte) : [byte]
                case 33...126 where byte != UInt8(ascii: "="):
                    token = [byte]
                default:
                    token = Self.escaped(byte)
                }
                if current.count + token.count > Self.maximumContentLength {
                    output.append(String(decoding: current + [UInt8(ascii: "=")], as: UTF8.self))
                    current = []
                }
                current += token
            }
            output.append(String(decoding: current, as: UTF8.self))
        }
        return output
    }

    private static func escaped(_ byte: UInt8) -> [UInt8] {
        [UInt8(ascii: "="), Self.hexDigits[Int(byte >> 4)], Self.hexDigits[Int(byte & 0x0F)]]
    }
}
