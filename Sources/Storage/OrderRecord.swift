import BitaqaCore
import Foundation
import SQLKit

/// What the merchant asks to register: an order already sent upstream.
public struct NewOrder: Sendable, Equatable {
    public var topupId: TopupID
    public var topupRef: String?
    public var userId: UserID
    public var cardType: CardType?
    public var number: String?
    public var value: Int?
    public var email: String?
    public var phone: String?
    public var locale: CustomerLocale
    public var channels: [DeliveryChannel]
    /// A digest of the request that registered the order, to tell a replay from a different request.
    public var fingerprint: String
    /// The binding of the contacts and channels (a MAC the domain layer makes) and its key's id.
    public var contactBinding: ContactBinding?

    public init(
        topupId: TopupID, topupRef: String? = nil, userId: UserID, cardType: CardType? = nil, number: String? = nil,
        value: Int? = nil, email: String? = nil, phone: String? = nil, locale: CustomerLocale,
        channels: [DeliveryChannel], fingerprint: String
    ) {
        self.topupId = topupId
        self.topupRef = topupRef
        self.userId = userId
        self.cardType = cardType
        self.number = number
        self.value = value
        self.email = email
        self.phone = phone
        self.locale = locale
        self.channels = channels
        self.fingerprint = fingerprint
    }
}

/// A MAC over an order's contacts and channels, and the id of the key it was made under.
public struct ContactBinding: Sendable, Equatable {
    public let mac: String
    public let keyID: String

    public init(mac: String, keyID: String) {
        self.mac = mac
        self.keyID = keyID
    }
}

/// An order as stored. The sealed card stays opaque bytes here; only the vault opens it.
public struct OrderRecord: Sendable, Equatable {
    public var topupId: TopupID
    public var topupRef: String?
    public var userId: UserID
    public var cardType: CardType?
    public var number: String?
    public var value: Int?
    public var email: String?
    public var phone: String?
    public var locale: CustomerLocale
    public var channels: [DeliveryChannel]
    public var fingerprint: String
    public var status: OrderStatus
    public var sealedCard: [UInt8]?
    public var cardKeyId: String?
    public var transactionNumber: String?
    public var processedDate: String?
    public var createdAt: Int64
    public var updatedAt: Int64
    public var nextCheckAt: Int64?
    public var checkCount: Int
    /// When the upstream last answered (or failed to answer) about this order; nil before the first check.
    public var lastCheckedAt: Int64?
    /// When tracking last restarted (`bitaqa orders check` on an `UNKNOWN_UPSTREAM` order); nil: at registration.
    public var trackedSince: Int64?
    /// Where the tracking schedule and the unknown-upstream clock count from.
    public var trackingStart: Int64 { trackedSince ?? createdAt }
    /// Nil for an order registered before contact binding existed, until `keys rotate` binds it.
    public var contactBinding: ContactBinding?

    static let columns = """
        topup_id, topup_ref, user_id, card_type, number, value, email, phone, locale, channels, fingerprint, \
        status, sealed_card, card_key_id, transaction_number, processed_date, created_at, updated_at, \
        next_check_at, check_count, contact_mac, contact_key_id, last_checked_at, tracked_since
        """

    init(row: any SQLRow) throws {
        func required<T: Decodable>(_ column: String, _ type: T.Type) throws -> T {
            try row.decode(column: column, as: T.self)
        }
        func optional<T: Decodable>(_ column: String, _ type: T.Type) throws -> T? {
            try row.decodeNil(column: column) ? nil : row.decode(column: column, as: T.self)
        }
        guard let topupId = TopupID(try required("topup_id", String.self)),
            let userId = UserID(try required("user_id", String.self)),
            let locale = CustomerLocale(rawValue: try required("locale", String.self)),
            let status = OrderStatus(rawValue: try required("status", String.self))
        else { throw StorageError.corruptRow(table: "orders") }
        self.topupId = topupId
        self.userId = userId
        self.locale = locale
        self.status = status
        self.topupRef = try optional("topup_ref", String.self)
        self.cardType = try optional("card_type", String.self).flatMap(CardType.init(rawValue:))
        self.number = try optional("number", String.self)
        self.value = try optional("value", Int.self)
        self.email = try optional("email", String.self)
        self.phone = try optional("phone", String.self)
        self.channels = ChannelList.decode(try required("channels", String.self))
        self.fingerprint = try required("fingerprint", String.self)
        self.sealedCard = try optional("sealed_card", Data.self).map { Array($0) }
        self.cardKeyId = try optional("card_key_id", String.self)
        self.transactionNumber = try optional("transaction_number", String.self)
        self.processedDate = try optional("processed_date", String.self)
        self.createdAt = try required("created_at", Int64.self)
        self.updatedAt = try required("updated_at", Int64.self)
        self.nextCheckAt = try optional("next_check_at", Int64.self)
        self.checkCount = try required("check_count", Int.self)
        self.lastCheckedAt = try optional("last_checked_at", Int64.self)
        self.trackedSince = try optional("tracked_since", Int64.self)
        if let mac = try optional("contact_mac", String.self), let keyID = try optional("contact_key_id", String.self) {
            self.contactBinding = ContactBinding(mac: mac, keyID: keyID)
        }
    }
}

/// Channels are stored as a comma-separated list in a fixed order.
enum ChannelList {
    static func encode(_ channels: [DeliveryChannel]) -> String {
        DeliveryChannel.allCases.filter(channels.contains).map(\.rawValue).joined(separator: ",")
    }

    static func decode(_ raw: String) -> [DeliveryChannel] {
        raw.split(separator: ",").compactMap { DeliveryChannel(rawValue: String($0)) }
    }
}

/// A failure of the storage layer that is not the database's own error.
public struct StorageError: Error, Sendable, CustomStringConvertible {
    public let description: String

    public static func corruptRow(table: String) -> StorageError {
        StorageError(description: "a row of \(table) holds a value this version cannot read")
    }

    /// The store was asked for a connection after ``Store/shutdown()``.
    public static let closed = StorageError(description: "the database pool is closed")

    /// The driver handed back a connection that does not speak SQL (never for SQLite or PostgreSQL).
    static let notSQL = StorageError(description: "the database driver does not support SQL")
}
