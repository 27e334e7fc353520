import BitaqaCore
import CardVault
import Foundation
import Orders
import SQLKit

extension OrderRecord {
    /// The columns every order read selects, in the order ``init(cells:contacts:)`` reads them.
    static let columnNames = [
        "topup_id", "topup_ref", "user_id", "card_type", "number", "value", "email", "phone", "locale", "channels",
        "fingerprint", "status", "sealed_card", "card_key_id", "transaction_number", "processed_date", "created_at",
        "updated_at", "next_check_at", "check_count", "contact_mac", "contact_key_id", "last_checked_at",
        "tracked_since", "product_line", "sealed_email", "sealed_phone", "contacts_erased_at",
    ]
    static let columns = columnNames.joined(separator: ", ")
    /// Where a buyer's contacts sit, in clear (rows from before sealing) or sealed.
    static let contactColumns: Set = ["email", "phone", "sealed_email", "sealed_phone"]

    /// - Parameter contacts: opens the sealed contacts (the store's ``Store/contacts``).
    init(row: any SQLRow, contacts: ContactSeal?) throws {
        try self.init(cells: NamedCells(row: row, names: Self.columnNames), contacts: contacts)
    }

    init(cells row: some RowCells, contacts: ContactSeal?) throws {
        let table = "orders"
        guard let topupId = TopupID(try row.required(row.text(0), table: table)),
            let userId = UserID(try row.required(row.text(2), table: table)),
            let locale = CustomerLocale(rawValue: try row.required(row.text(8), table: table)),
            let status = OrderStatus(rawValue: try row.required(row.text(11), table: table))
        else { throw StorageError.corruptRow(table: table) }
        self.init(
            topupId: topupId, userId: userId, locale: locale, status: status,
            channels: ChannelList.decode(try row.required(row.text(9), table: table)),
            fingerprint: try row.required(row.text(10), table: table),
            createdAt: try row.required(row.integer(16), table: table),
            updatedAt: try row.required(row.integer(17), table: table),
            checkCount: Int(try row.required(row.integer(19), table: table)))
        self.topupRef = try row.text(1)
        self.cardType = try row.text(3).flatMap(CardType.init(rawValue:))
        self.number = try row.text(4)
        self.value = try row.integer(5).map { Int($0) }
        let held = try ContactColumns.read(
            clear: (try row.text(6), try row.text(7)), sealed: (try row.blob(25), try row.blob(26)),
            orderKey: topupId.rawValue, userId: userId, seal: contacts)
        self.email = held.email
        self.phone = held.phone
        self.unreadableContacts = held.unreadable
        self.contactsErasedAt = try row.integer(27)
        self.sealedCard = try row.blob(12)
        self.cardKeyId = try row.text(13)
        self.transactionNumber = try row.text(14)
        self.processedDate = try row.text(15)
        self.nextCheckAt = try row.integer(18)
        self.lastCheckedAt = try row.integer(22)
        self.trackedSince = try row.integer(23)
        self.productLine = ProductLineID(rawValue: try row.required(row.text(24), table: table))
        if let mac = try row.text(20), let keyID = try row.text(21) {
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
