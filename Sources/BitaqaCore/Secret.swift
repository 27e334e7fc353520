/// A secret string (a token, a password, an API key) that never shows itself.
///
/// `description`, `debugDescription`, string interpolation, `dump` and mirrors all print
/// `Secret(redacted)`. The only way to the value is ``unsafeRevealed``, named so that every use
/// is easy to find in review.
public struct Secret: Sendable, Hashable {
    private let value: String

    public init(_ value: String) {
        self.value = value
    }

    /// The clear value. Use only where the secret must leave the process (a header, a protocol field).
    public var unsafeRevealed: String { value }

    public var isEmpty: Bool { value.isEmpty }

    /// Compares with `other` in time that depends only on the lengths, never on where they differ.
    public func constantTimeEquals(_ other: String) -> Bool {
        ConstantTime.equals(Array(value.utf8), Array(other.utf8))
    }
}

extension Secret: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "Secret(redacted)" }
    public var debugDescription: String { "Secret(redacted)" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}

/// Comparisons whose running time does not reveal the position of the first difference.
public enum ConstantTime {
    public static func equals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        // Walk the longer input fully so the time depends on lengths only.
        let count = max(lhs.count, rhs.count)
        var difference: UInt8 = lhs.count == rhs.count ? 0 : 1
        for index in 0..<count {
            let left = index < lhs.count ? lhs[index] : 0
            let right = index < rhs.count ? rhs[index] : 0
            difference |= left ^ right
        }
        return difference == 0
    }
}
