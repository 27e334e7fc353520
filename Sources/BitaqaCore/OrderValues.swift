/// The status of an order: the upstream's, or Bitaqa's own where the upstream has none to give.
public enum OrderStatus: String, Sendable, Codable, CaseIterable {
    case handling = "HANDLING"
    case queued = "QUEUED"
    case fulfilled = "FULFILLED"
    case refunded = "REFUNDED"
    /// Not the upstream's: the upstream answered `NOT_FOUND` for this top-up for longer than
    /// `BITAQA_UNKNOWN_UPSTREAM_AFTER`; tracking stopped, and `bitaqa orders check` restarts it.
    case unknownUpstream = "UNKNOWN_UPSTREAM"
    /// Gift cards: some cards came, the rest was cancelled and refunded to the shop's account. Final.
    case partiallyFilled = "PARTIALLY_FILLED"
    /// Not the upstream's: a gift-card order stored before its `placeOrder` is sent, until the upstream
    /// answers or the order is found in its list.
    case placing = "PLACING"
    /// Not the upstream's: a gift-card `placeOrder` went unanswered and the order is surely absent from
    /// the upstream's list: nothing was bought. Final.
    case notPlaced = "NOT_PLACED"
    /// Not the upstream's: an unanswered gift-card `placeOrder` matches several upstream orders; the
    /// merchant settles it by registering the right one.
    case uncertain = "UNCERTAIN"

    /// The statuses an internet top-up can have; the others belong to gift cards.
    public static let internetStatuses: [OrderStatus] = [.handling, .queued, .fulfilled, .refunded, .unknownUpstream]

    /// Whether nothing will change this status any more.
    public var isFinal: Bool {
        switch self {
        case .fulfilled, .refunded, .partiallyFilled, .notPlaced: true
        case .handling, .queued, .unknownUpstream, .placing, .uncertain: false
        }
    }

    /// Whether the order holds cards to deliver.
    public var hasCards: Bool { self == .fulfilled || self == .partiallyFilled }
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
