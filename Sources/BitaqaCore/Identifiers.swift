/// The upstream identifier of a top-up (`topupId` in the OneClickDz API).
public struct TopupID: Sendable, Hashable, Codable, CustomStringConvertible {
    public let rawValue: String

    /// Accepts 1 to 128 printable ASCII characters without spaces, the shape of upstream ids.
    public init?(_ rawValue: String) {
        guard Self.isValid(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let raw = try container.decode(String.self)
        guard let value = TopupID(raw) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "invalid topupId")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    static func isValid(_ raw: String) -> Bool {
        IdentifierRules.isValid(raw, maxLength: 128)
    }
}

/// The merchant's identifier of the buyer; a customer token's `sub`.
public struct UserID: Sendable, Hashable, Codable, CustomStringConvertible {
    public let rawValue: String

    /// Accepts 1 to 128 printable ASCII characters without spaces.
    public init?(_ rawValue: String) {
        guard IdentifierRules.isValid(rawValue, maxLength: 128) else { return nil }
        self.rawValue = rawValue
    }

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let raw = try container.decode(String.self)
        guard let value = UserID(raw) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "invalid userId")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

enum IdentifierRules {
    static func isValid(_ raw: String, maxLength: Int) -> Bool {
        guard !raw.isEmpty, raw.utf8.count <= maxLength else { return false }
        // Printable ASCII minus space and '/', so an id is always one safe path segment.
        return raw.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "/") }
    }
}
