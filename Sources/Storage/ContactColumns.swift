import BitaqaCore
import CardVault
import Foundation
import Orders
import SQLKit

/// How an order row holds its buyer's contacts: sealed (`sealed_email`, `sealed_phone`, under
/// `contact_seal_key_id`) with their keyed index (`email_index`, `phone_index`), or, for a row written
/// before sealing and not yet sealed, in clear (`email`, `phone`).
struct ContactColumns: Sendable {
    var email: String?
    var phone: String?
    var sealedEmail: [UInt8]?
    var sealedPhone: [UInt8]?
    var keyID: String?
    var emailIndex: String?
    var phoneIndex: String?

    /// Rows that still hold a contact in some form.
    static let held =
        "(sealed_email IS NOT NULL OR sealed_phone IS NOT NULL OR email IS NOT NULL OR phone IS NOT NULL)"
    /// Rows that hold a contact in clear.
    static let inClear = "(email IS NOT NULL OR phone IS NOT NULL)"

    /// Rows a sealing pass takes: those in clear and, when `resealing`, those sealed under another key than
    /// `activeKeyID`. Without `resealing` it is ``inClear`` word for word, the partial index's condition.
    static func toSeal(activeKeyID: String, resealing: Bool) -> SQLQueryString {
        resealing
            ? "(\(unsafeRaw: inClear) OR (contact_seal_key_id IS NOT NULL AND contact_seal_key_id <> \(bind: activeKeyID)))"
            : "\(unsafeRaw: inClear)"
    }

    /// A text column, nil when NULL.
    static func text(_ row: any SQLRow, _ column: String) throws -> String? {
        try row.decodeNil(column: column) ? nil : row.decode(column: column, as: String.self)
    }

    /// The columns for `email` and `phone` of one order: sealed and indexed when the store has a seal.
    init(email: String?, phone: String?, orderKey: String, userId: UserID, seal: ContactSeal?) throws {
        guard let seal else {
            self.email = email
            self.phone = phone
            return
        }
        if let email {
            sealedEmail = try seal.seal(email, field: .email, orderKey: orderKey, userId: userId)
            emailIndex = seal.index(email, field: .email)
        }
        if let phone {
            sealedPhone = try seal.seal(phone, field: .phone, orderKey: orderKey, userId: userId)
            phoneIndex = seal.index(phone, field: .phone)
        }
        if email != nil || phone != nil { keyID = seal.activeKeyID }
    }

    /// `SET` assignments for every contact column.
    var assignments: SQLQueryString {
        "email = \(bind: email), phone = \(bind: phone), sealed_email = \(bind: sealedEmail.map { Data($0) }), "
            + "sealed_phone = \(bind: sealedPhone.map { Data($0) }), contact_seal_key_id = \(bind: keyID), "
            + "email_index = \(bind: emailIndex), phone_index = \(bind: phoneIndex)"
    }

    static let names = "email, phone, sealed_email, sealed_phone, contact_seal_key_id, email_index, phone_index"

    /// The values in the order of ``names``.
    var values: SQLQueryString {
        "\(bind: email), \(bind: phone), \(bind: sealedEmail.map { Data($0) }), \(bind: sealedPhone.map { Data($0) }), "
            + "\(bind: keyID), \(bind: emailIndex), \(bind: phoneIndex)"
    }

    /// The condition that finds rows by an exact contact: the index under every key of the ring, and the
    /// clear columns of rows not sealed yet. `alias` prefixes the columns (`o.`).
    static func matching(_ text: String, seal: ContactSeal?, alias: String = "") -> SQLQueryString {
        let phone = ContactRules.normalisedAlgerianPhone(text) ?? text
        var condition: SQLQueryString =
            "lower(\(unsafeRaw: alias)email) = \(bind: text.lowercased()) OR \(unsafeRaw: alias)phone = \(bind: phone)"
        if let seal {
            let emails = seal.indexes(text, field: .email).map { $0 as any Encodable & Sendable }
            let phones = seal.indexes(text, field: .phone).map { $0 as any Encodable & Sendable }
            if !emails.isEmpty { condition = condition + " OR \(unsafeRaw: alias)email_index IN (\(binds: emails))" }
            if !phones.isEmpty { condition = condition + " OR \(unsafeRaw: alias)phone_index IN (\(binds: phones))" }
        }
        return condition
    }

    /// The contacts a row holds, opened; a sealed contact that does not open for this order (moved from
    /// another row, or under a key not in the ring) is reported in `unreadable`, never guessed.
    static func read(
        clear: (email: String?, phone: String?), sealed: (email: [UInt8]?, phone: [UInt8]?), orderKey: String,
        userId: UserID, seal: ContactSeal?
    ) -> (email: String?, phone: String?, unreadable: [DeliveryChannel]) {
        var unreadable: [DeliveryChannel] = []
        func open(_ clear: String?, _ sealed: [UInt8]?, _ field: ContactSeal.Field, _ channel: DeliveryChannel)
            -> String?
        {
            if let clear { return clear }
            guard let sealed else { return nil }
            guard let seal, let opened = try? seal.open(sealed, field: field, orderKey: orderKey, userId: userId)
            else {
                unreadable.append(channel)
                return nil
            }
            return opened
        }
        let email = open(clear.email, sealed.email, .email, .email)
        let phone = open(clear.phone, sealed.phone, .phone, .sms)
        return (email, phone, unreadable)
    }
}
