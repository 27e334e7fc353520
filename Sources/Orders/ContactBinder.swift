import BitaqaCore
import CardVault
import Crypto
import Foundation
import Storage

/// Binds an order's contacts (email, phone) and channels to the order with a MAC under a key derived
/// from the key ring, made when the merchant registers the order (or corrects a contact through the
/// audited use case). The deliverer sends only to contacts whose binding verifies, so someone who can
/// write the database but holds no key cannot redirect a card to a phone or address of theirs.
public struct ContactBinder: Sendable {
    /// Key id and derived MAC key, the active key first.
    let keys: [(id: String, key: SymmetricKey)]

    public init(ring: KeyRing) {
        keys = ring.derivedKeys(purpose: "contact-binding").map { ($0.id.hex, $0.key) }
    }

    /// The id of the key new bindings are made under.
    public var activeKeyID: String { keys.first?.id ?? "" }

    /// The binding of these contacts to this order, under the active key.
    public func bind(
        topupId: TopupID, userId: UserID, email: String?, phone: String?, channels: [DeliveryChannel]
    ) -> ContactBinding {
        guard let (id, key) = keys.first else { return ContactBinding(mac: "", keyID: "") }
        let message = Self.message(topupId: topupId, userId: userId, email: email, phone: phone, channels: channels)
        return ContactBinding(mac: Hex.encode(HMAC<SHA256>.authenticationCode(for: message, using: key)), keyID: id)
    }

    /// `order` with the binding of its own contacts.
    public func bound(_ order: NewOrder) -> NewOrder {
        var bound = order
        bound.contactBinding = bind(
            topupId: order.topupId, userId: order.userId, email: order.email, phone: order.phone,
            channels: order.channels)
        return bound
    }

    /// Why an order's contacts may not be used.
    public enum Problem: String, Sendable {
        /// Registered before contact binding existed; `bitaqa keys rotate` binds it.
        case unbound
        /// Bound under a key that is no longer in the ring.
        case unknownKey = "unknown_key"
        /// The contacts or channels were changed without the key: the MAC does not match.
        case mismatch
    }

    /// Nil when the order's stored contacts and channels are the ones bound at registration.
    public func problem(with order: OrderRecord) -> Problem? {
        guard let binding = order.contactBinding else { return .unbound }
        guard let key = keys.first(where: { $0.id == binding.keyID })?.key,
            let mac = SecretBytes(hex: binding.mac, byteCount: 32)
        else {
            return keys.contains(where: { $0.id == binding.keyID }) ? .mismatch : .unknownKey
        }
        let message = Self.message(
            topupId: order.topupId, userId: order.userId, email: order.email, phone: order.phone,
            channels: order.channels)
        return HMAC<SHA256>.isValidAuthenticationCode(mac.unsafeBytes, authenticating: message, using: key)
            ? nil : .mismatch
    }

    /// Every field, length-prefixed, so no two different contact sets encode alike.
    static func message(
        topupId: TopupID, userId: UserID, email: String?, phone: String?, channels: [DeliveryChannel]
    ) -> [UInt8] {
        let fields = [
            "bitaqa-contacts-v1", topupId.rawValue, userId.rawValue, email ?? "", phone ?? "",
            channels.map(\.rawValue).sorted().joined(separator: ","),
        ]
        return fields.flatMap { Array("\($0.utf8.count):\($0)".utf8) }
    }
}
