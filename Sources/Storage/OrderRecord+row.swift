import BitaqaCore
import CardVault
import Foundation
import Orders
import SQLKit

extension OrderRecord {
    static let columns = """
        topup_id, topup_ref, user_id, card_type, number, value, email, phone, locale, channels, fingerprint, \
        status, sealed_card, card_key_id, transaction_number, processed_date, created_at, updated_at, \
        next_check_at, check_count, contact_mac, contact_key_id, last_checked_at, tracked_since, product_line, \
        sealed_email, sealed_phone, contacts_erased_at
        """

    /// - Parameter contacts: opens the sealed contacts (the store's ``Store/contacts``).
    init(row: any SQLRow, contacts: ContactSeal?) throws {
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
        self.init(
            topupId: topupId, userId: userId, locale: locale, status: status,
            channels: ChannelList.decode(try required("channels", String.self)),
            fingerprint: try required("fingerprint", String.self), createdAt: try required("created_at", Int64.self),
            updatedAt: try required("updated_at", Int64.self), checkCount: try required("check_count", Int.self))
        self.topupRef = try optional("topup_ref", String.self)
        self.cardType = try optional("card_type", String.self).flatMap(CardType.init(rawValue:))
        self.number = try optional("number", String.self)
        self.value = try optional("value", Int.self)
        let held = try ContactColumns.read(row, orderKey: topupId.rawValue, userId: userId, seal: contacts)
        self.email = held.email
        self.phone = held.phone
        self.unreadableContacts = held.unreadable
        self.contactsErasedAt = try optional("contacts_erased_at", Int64.self)
        self.sealedCard = try optional("sealed_card", Data.self).map { Array($0) }
        self.cardKeyId = try optional("card_key_id", String.self)
        self.transactionNumber = try optional("transaction_number", String.self)
        self.processedDate = try optional("processed_date", String.self)
        self.nextCheckAt = try optional("next_check_at", Int64.self)
        self.lastCheckedAt = try optional("last_checked_at", Int64.self)
        self.trackedSince = try optional("tracked_since", Int64.self)
        self.productLine = ProductLineID(rawValue: try required("product_line", String.self))
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
