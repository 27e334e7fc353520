import BitaqaCore
import Foundation

/// A card denomination in the upstream catalogue.
public struct Product: Sendable, Equatable, Codable {
    public let value: Int
    public let cost: Double
    public let available: Bool

    public init(value: Int, cost: Double, available: Bool) {
        self.value = value
        self.cost = cost
        self.available = available
    }
}

/// What `check-number` says of a line.
public struct NumberCheck: Sendable, Equatable {
    /// The masked customer line id.
    public let ncli: String?
    /// The current ADSL offer, ADSL only.
    public let offer: String?
    public let type: CardType?

    package init(ncli: String?, offer: String?, type: CardType?) {
        self.ncli = ncli
        self.offer = offer
        self.type = type
    }
}

/// The ids of a top-up the upstream accepted.
public struct SendResult: Sendable, Equatable {
    public let topupId: String
    public let topupRef: String

    public init(topupId: String, topupRef: String) {
        self.topupId = topupId
        self.topupRef = topupRef
    }
}

/// The upstream status as received: one of ours, or a string this version does not know.
public enum UpstreamStatus: Sendable, Equatable, CustomStringConvertible {
    case known(OrderStatus)
    case unknown(String)

    package init(_ raw: String) {
        // Only a top-up's statuses: Bitaqa's own and the gift cards' are never the internet upstream's word.
        let status = OrderStatus(rawValue: raw.uppercased()).flatMap {
            OrderStatus.internetStatuses.contains($0) ? $0 : nil
        }
        self = status.map(UpstreamStatus.known) ?? .unknown(raw)
    }

    public var description: String {
        switch self {
        case .known(let status): status.rawValue
        case .unknown(let raw): "unknown(\(raw))"
        }
    }
}

/// The card of a fulfilled top-up. The code is a ``CardCode`` from the moment it is decoded.
public struct FulfilledCard: Sendable, Equatable {
    public let code: CardCode
    public let transactionNumber: String?
    public let processedDate: String?

    public init(code: CardCode, transactionNumber: String?, processedDate: String?) {
        self.code = code
        self.transactionNumber = transactionNumber
        self.processedDate = processedDate
    }
}

/// A top-up as `check-id`, `check-ref` and `list` describe it.
public struct TopupStatus: Sendable, Equatable {
    public let topupId: String?
    public let ref: String?
    public let status: UpstreamStatus
    public let type: CardType?
    public let number: String?
    public let amount: Int?
    public let createdAt: String?
    /// Present when the status is FULFILLED and the upstream sent a card code.
    public let card: FulfilledCard?

    package init(
        topupId: String?, ref: String?, status: UpstreamStatus, type: CardType?, number: String?, amount: Int?,
        createdAt: String?, card: FulfilledCard?
    ) {
        self.topupId = topupId
        self.ref = ref
        self.status = status
        self.type = type
        self.number = number
        self.amount = amount
        self.createdAt = createdAt
        self.card = card
    }
}

/// One page of `list`. The list's item fields are not documented: an item without an id or a status is
/// left out of `items` and counted in `unreadable`.
public struct TopupPage: Sendable, Equatable {
    public let items: [TopupStatus]
    public let unreadable: Int
    public let page: Int
    public let pageSize: Int
    public let totalPages: Int
    public let totalResults: Int

    package init(items: [TopupStatus], unreadable: Int, page: Int, pageSize: Int, totalPages: Int, totalResults: Int) {
        self.items = items
        self.unreadable = unreadable
        self.page = page
        self.pageSize = pageSize
        self.totalPages = totalPages
        self.totalResults = totalResults
    }
}

/// What `validate` says of the API key.
public struct KeyInfo: Sendable, Equatable {
    /// `SANDBOX` or `PRODUCTION`.
    public let type: String?
    /// `READ-WRITE` or `READ-ONLY`.
    public let scope: String?
    public let isEnabled: Bool?
    public let username: String?

    package init(type: String?, scope: String?, isEnabled: Bool?, username: String?) {
        self.type = type
        self.scope = scope
        self.isEnabled = isEnabled
        self.username = username
    }
}

/// A new top-up to place.
public struct SendRequest: Sendable, Equatable {
    public let type: CardType
    public let number: String
    public let value: Int
    /// Our unique reference; the client makes one when it is nil, so the outcome can always be looked up.
    public let ref: String?

    public init(type: CardType, number: String, value: Int, ref: String? = nil) {
        self.type = type
        self.number = number
        self.value = value
        self.ref = ref
    }
}

/// The number formats of each card type, checked before anything is sent.
public enum NumberFormat {
    /// ADSL `^0[0-9]{8}$`, 4G `^213[0-9]{9}$`.
    public static func isValid(_ number: String, for type: CardType) -> Bool {
        let bytes = Array(number.utf8)
        guard bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return false }
        switch type {
        case .adsl: return bytes.count == 9 && bytes[0] == UInt8(ascii: "0")
        case .fourG: return bytes.count == 12 && number.hasPrefix("213")
        }
    }
}
