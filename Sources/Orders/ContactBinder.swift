import BitaqaCore
import CardVault

/// Binds an order's contacts (email, phone) and channels to the order with a MAC under a key derived
/// from the key ring, made when the merchant registers the order (or corrects a contact through the
/// audited use case). The deliverer sends only to contacts whose binding verifies, so someone who can
/// write the database but holds no key cannot redirect a card to a phone or address of theirs.
public struct ContactBinder: Sendable {
    let keys: RowKeys

    public init(ring: KeyRing) {
        keys = RowKeys(ring: ring, purpose: "contact-binding")
    }

    /// The id of the key new bindings are made under.
    public var activeKeyID: String { keys.keys.first?.id ?? "" }

    /// The binding of these contacts to this order, under the active key.
    public func bind(
        topupId: TopupID, userId: UserID, email: String?, phone: String?, channels: [DeliveryChannel]
    ) -> ContactBinding {
        guard !keys.keys.isEmpty else { return ContactBinding(mac: "", keyID: "") }
        let mac = keys.mac(
            Self.fields(topupId: topupId, userId: userId, email: email, phone: phone, channels: channels))
        return ContactBinding(mac: mac.mac, keyID: mac.keyID)
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
        guard keys.keys.contains(where: { $0.id == binding.keyID }) else { return .unknownKey }
        let fields = Self.fields(
            topupId: order.topupId, userId: order.userId, email: order.email, phone: order.phone,
            channels: order.channels)
        return keys.verifies(binding.mac, keyID: binding.keyID, fields) ? nil : .mismatch
    }

    /// Every field of the binding (``RowKeys`` length-prefixes them, so no two contact sets encode alike).
    static func fields(
        topupId: TopupID, userId: UserID, email: String?, phone: String?, channels: [DeliveryChannel]
    ) -> [String] {
        [
            "bitaqa-contacts-v1", topupId.rawValue, userId.rawValue, email ?? "", phone ?? "",
            channels.map(\.rawValue).sorted().joined(separator: ","),
        ]
    }
}
