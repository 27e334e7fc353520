import BitaqaCore

/// The binding of a gift-card order to the upstream order it is tracked by: a MAC over the order's
/// key, its buyer and the upstream `orderId`, product, type and quantity, made when Bitaqa learns the
/// `orderId` (placed, found in the list, registered, settled). Whoever can write the database but holds
/// no key cannot point an order at another upstream order (another purchase of the shop's account) to
/// have its cards sealed for, and sent to, this order's buyer: the tracker stores no card from an upstream
/// order the binding does not name.
///
/// It uses the contact-binding keys; the first field (`bitaqa-gift-order-v1`) keeps its MACs apart
/// from the contacts' (`bitaqa-contacts-v1`).
extension ContactBinder {
    static func giftCardFields(
        _ key: TopupID, userId: UserID, orderId: String, productId: String, typeId: String, quantity: Int
    ) -> [String] {
        ["bitaqa-gift-order-v1", key.rawValue, userId.rawValue, orderId, productId, typeId, "\(quantity)"]
    }

    /// The binding of `orderId` to the order with these facts, under the active key.
    func bind(
        giftCard key: TopupID, userId: UserID, orderId: String, productId: String, typeId: String, quantity: Int
    ) -> ContactBinding {
        guard !keys.keys.isEmpty else { return ContactBinding(mac: "", keyID: "") }
        let mac = keys.mac(
            Self.giftCardFields(
                key, userId: userId, orderId: orderId, productId: productId, typeId: typeId, quantity: quantity))
        return ContactBinding(mac: mac.mac, keyID: mac.keyID)
    }

    /// The binding of `orderId` to the order, under the active key.
    public func bind(giftCardOrder order: GiftCardOrder, to orderId: String) -> ContactBinding {
        bind(
            giftCard: order.key, userId: order.order.userId, orderId: orderId, productId: order.details.productId,
            typeId: order.details.typeId, quantity: order.details.quantity)
    }

    /// Whether the order's stored `orderId` is the one bound to it.
    public func verifies(giftCardOrder order: GiftCardOrder) -> Bool {
        guard let orderId = order.details.orderId, let binding = order.details.orderBinding else { return false }
        let details = order.details
        return keys.verifies(
            binding.mac, keyID: binding.keyID,
            Self.giftCardFields(
                order.key, userId: order.order.userId, orderId: orderId, productId: details.productId,
                typeId: details.typeId, quantity: details.quantity))
    }

    /// Whether a binding was made under a key other than the active one (a rotation moves it).
    func isStale(_ binding: ContactBinding) -> Bool { binding.keyID != activeKeyID }
}
