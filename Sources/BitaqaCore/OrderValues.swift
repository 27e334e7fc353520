/// The upstream status of a top-up.
public enum OrderStatus: String, Sendable, Codable, CaseIterable {
    case handling = "HANDLING"
    case queued = "QUEUED"
    case fulfilled = "FULFILLED"
    case refunded = "REFUNDED"
    /// Not the upstream's: the upstream answered `NOT_FOUND` for this top-up for longer than
    /// `BITAQA_UNKNOWN_UPSTREAM_AFTER`; tracking stopped, and `bitaqa orders check` restarts it.
    case unknownUpstream = "UNKNOWN_UPSTREAM"

    /// Whether the upstream will not change this status any more.
    public var isFinal: Bool { self == .fulfilled || self == .refunded }
}

/// The kind of Algérie Télécom recharge card.
public enum CardType: String, Sendable, Codable, CaseIterable {
    case adsl = "ADSL"
    case fourG = "4G"

    /// Reads the upstream spelling, which is sometimes `4GLTE` for 4G.
    public init?(upstream raw: String) {
        switch raw.uppercased() {
        case "ADSL": self = .adsl
        case "4G", "4GLTE", "4G LTE": self = .fourG
        default: return nil
        }
    }
}

/// A way of handing the card to the buyer besides the in-app display, which always exists.
public enum DeliveryChannel: String, Sendable, Codable, CaseIterable {
    case email
    case sms
}

/// Where a delivery stands.
public enum DeliveryState: String, Sendable, Codable, CaseIterable {
    case pending
    case sending
    case delivered
    case failed
}

/// The buyer's language for messages and pages.
public enum CustomerLocale: String, Sendable, Codable, CaseIterable {
    case ar
    case fr
    case en

    public static let `default`: CustomerLocale = .fr

    /// Arabic reads right to left.
    public var isRightToLeft: Bool { self == .ar }
}
