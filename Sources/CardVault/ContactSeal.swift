import BitaqaCore
import Crypto
import Foundation

/// Seals a buyer's email and phone number like a card code (AES-256-GCM under the ring's active key),
/// bound to the order and buyer they belong to and to the field, and makes the keyed index that finds
/// an order by contact without the contact being stored in clear.
///
/// A sealed email copied onto another order, or into the phone column, fails authentication. The index
/// is an HMAC under a key derived from each ring key for this purpose alone, over the normalised
/// contact (an email in lower case, a phone in its `+213` form), so every spelling of one phone number
/// finds the same orders, and a stolen database cannot be searched without the key.
public struct ContactSeal: Sendable {
    public enum Field: String, Sendable, CaseIterable {
        case email
        case phone
    }

    let vault: CardVault
    let indexKeys: [(id: KeyID, key: SymmetricKey)]

    public init(ring: KeyRing) {
        vault = CardVault(keyRing: ring)
        indexKeys = ring.derivedKeys(purpose: "contact-index")
    }

    /// The id (hex) of the key new seals and index entries are made under.
    public var activeKeyID: String { vault.keyRing.activeKeyID.hex }

    /// `value` sealed for one order's field.
    public func seal(_ value: String, field: Field, orderKey: String, userId: UserID) throws -> [UInt8] {
        try vault.seal(CardCode(value), subject: orderKey.utf8, userId: userId, prefix: Self.prefix(field)).bytes
    }

    /// The contact a blob holds, when it was sealed for exactly this order, buyer and field.
    public func open(_ blob: [UInt8], field: Field, orderKey: String, userId: UserID) throws(VaultError) -> String {
        try vault.open(blob, subject: orderKey.utf8, userId: userId, prefix: Self.prefix(field)).revealed
    }

    /// The key id a sealed contact names; nil when the blob is malformed.
    public static func keyID(of blob: [UInt8]) -> String? {
        CardVault.keyID(of: blob)?.hex
    }

    /// The index entry of a contact under the active key; nil for a contact with no canonical form.
    public func index(_ value: String, field: Field) -> String? {
        indexes(value, field: field).first
    }

    /// The index entries of a contact under every key of the ring, active first: a search matches rows
    /// indexed before a rotation reached them.
    public func indexes(_ value: String, field: Field) -> [String] {
        guard let canonical = Self.canonical(value, field: field) else { return [] }
        let content = Array("bitaqa-contact-index-v1:\(field.rawValue):\(canonical)".utf8)
        return indexKeys.map { Hex.encode(HMAC<SHA256>.authenticationCode(for: content, using: $0.key)) }
    }

    /// The form a contact is indexed under: an email trimmed and in lower case; a phone as `+213…` when
    /// it is an Algerian mobile, otherwise its digits and a leading `+`.
    public static func canonical(_ value: String, field: Field) -> String? {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        switch field {
        case .email:
            return trimmed.lowercased()
        case .phone:
            if let mobile = ContactRules.normalisedAlgerianPhone(trimmed) { return mobile }
            let kept = trimmed.filter { $0.isASCII && ($0.isNumber || $0 == "+") }
            return kept.isEmpty ? nil : kept
        }
    }

    static func prefix(_ field: Field) -> [UInt8] {
        Array("bitaqa-contact-\(field.rawValue)".utf8)
    }
}
