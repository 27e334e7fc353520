/// A recharge card's code: whoever holds it can spend it.
///
/// It prints as `CardCode(redacted)` in every description, debug description, mirror and dump, and it
/// encodes as that same placeholder. The clear code leaves the type only through ``revealed`` (for
/// the cipher and the message that must carry it) and ``Reveal``, the one encodable form that carries
/// the code, used by the card response alone.
public struct CardCode: Sendable, Hashable {
    private let value: String

    public static let redactedText = "CardCode(redacted)"

    public init(_ value: String) {
        self.value = value
    }

    /// The clear code. Each use is a place where the code leaves protection; keep them few.
    public var revealed: String { value }

    /// The code's bytes in UTF-8, for sealing.
    public var utf8Bytes: [UInt8] { Array(value.utf8) }

    /// The only `Encodable` form that carries the clear code.
    public struct Reveal: Encodable, Sendable {
        fileprivate let code: CardCode

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(code.value)
        }

        /// The text, for a response body written without an encoder.
        public func withText<T>(_ body: (String) throws -> T) rethrows -> T {
            try body(code.value)
        }
    }

    /// Wraps the code for the one response that shows it to its owner.
    public var revealForResponse: Reveal { Reveal(code: self) }
}

extension CardCode: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable, Encodable {
    public var description: String { Self.redactedText }
    public var debugDescription: String { Self.redactedText }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }

    /// Encodes the placeholder, so a card code inside any encoded value never becomes its text.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Self.redactedText)
    }
}
