/// Key material that never shows itself: a 32-byte encryption key, a derived MAC key.
///
/// Every textual form is `SecretBytes(redacted)`; the bytes are reached only through
/// ``withUnsafeBytes(_:)`` or ``unsafeBytes``.
public struct SecretBytes: Sendable, Hashable {
    private let bytes: [UInt8]

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Reads exactly `byteCount` bytes from hex; nil for any other input. Both cases of hex are accepted.
    public init?(hex: String, byteCount: Int) {
        let utf8 = Array(hex.utf8)
        guard utf8.count == byteCount * 2 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(byteCount)
        var index = 0
        while index < utf8.count {
            guard let high = Hex.value(utf8[index]), let low = Hex.value(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        self.bytes = bytes
    }

    /// `count` bytes from the system's cryptographically secure generator.
    public static func random(count: Int) -> SecretBytes {
        var generator = SystemRandomNumberGenerator()
        return SecretBytes((0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    public var count: Int { bytes.count }

    /// The clear bytes, for the one place that must hand them to a cipher.
    public var unsafeBytes: [UInt8] { bytes }

    /// Lowercase hex, for `bitaqa keys generate` and the development key file only.
    public var unsafeHex: String { Hex.encode(bytes) }
}

extension SecretBytes: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "SecretBytes(redacted)" }
    public var debugDescription: String { "SecretBytes(redacted)" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}

/// Hexadecimal encoding.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(2 * bytes.underestimatedCount)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The same for bytes in memory (a digest's or a MAC's `withUnsafeBytes`), without a generic walk: the
    /// audit trail makes two per event.
    public static func encode(buffer raw: UnsafeRawBufferPointer) -> String {
        String(unsafeUninitializedCapacity: 2 * raw.count) { out in
            for (index, byte) in raw.enumerated() {
                out[2 * index] = digits[Int(byte >> 4)]
                out[2 * index + 1] = digits[Int(byte & 0x0F)]
            }
            return 2 * raw.count
        }
    }

    static func value(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Whether every character is a hex digit.
    public static func isHex(_ string: String) -> Bool {
        string.utf8.allSatisfy { value($0) != nil }
    }
}
