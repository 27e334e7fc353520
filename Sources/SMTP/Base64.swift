/// Base64 (RFC 4648) without Foundation, so the target needs nothing beyond the standard library for MIME.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        let input = Array(bytes)
        var output: [UInt8] = []
        output.reserveCapacity((input.count + 2) / 3 * 4)
        var index = 0
        while index < input.count {
            let first = input[index]
            let second = index + 1 < input.count ? input[index + 1] : 0
            let third = index + 2 < input.count ? input[index + 2] : 0
            let padding = UInt8(ascii: "=")
            output.append(Self.alphabet[Int(first >> 2)])
            output.append(Self.alphabet[Int((first & 0x03) << 4 | second >> 4)])
            output.append(index + 1 < input.count ? Self.alphabet[Int((second & 0x0F) << 2 | third >> 6)] : padding)
            output.append(index + 2 < input.count ? Self.alphabet[Int(third & 0x3F)] : padding)
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    static func encode(_ string: String) -> String {
        Self.encode(Array(string.utf8))
    }

    /// Base64 body lines of at most 76 characters, as RFC 2045 requires.
    static func encodeLines(_ bytes: [UInt8]) -> [String] {
        let encoded = Self.encode(bytes)
        var lines: [String] = []
        var start = encoded.startIndex
        while start < encoded.endIndex {
            let end = encoded.index(start, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(String(encoded[start..<end]))
            start = end
        }
        return lines
    }
}
