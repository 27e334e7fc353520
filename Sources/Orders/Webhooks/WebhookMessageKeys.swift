import BitaqaCore
import CardVault

/// MACs of queued webhook messages, under keys derived from the key ring.
///
/// The sender signs a message for the shop with the webhook secret, which the shop trusts. Without
/// this MAC it would sign whatever a database writer put in `webhook_messages` (an `order.refunded`
/// for a fulfilled order, say). The outbox makes the MAC in the transaction that queues the message;
/// the sender refuses a message whose MAC is missing or wrong.
public struct WebhookMessageKeys: Sendable {
    let keys: RowKeys

    public init(ring: KeyRing) {
        keys = RowKeys(ring: ring, purpose: "webhook-message")
    }

    /// `message` with its MAC under the active key.
    public func sealed(_ message: NewWebhookMessage) -> NewWebhookMessage {
        let mac = keys.mac(
            Self.fields(id: message.id, type: message.type, topupId: message.topupId?.rawValue, body: message.body))
        return NewWebhookMessage(
            id: message.id, type: message.type, topupId: message.topupId, body: message.body, mac: mac.mac,
            macKeyID: mac.keyID)
    }

    /// Whether the stored message is one the outbox queued, unchanged.
    public func isAuthentic(_ message: WebhookMessageRecord) -> Bool {
        keys.verifies(
            message.mac, keyID: message.macKeyID,
            Self.fields(id: message.id, type: message.type, topupId: message.topupId, body: message.body))
    }

    static func fields(id: String, type: String, topupId: String?, body: String) -> [String] {
        ["bitaqa-webhook-v1", id, type, topupId ?? "", body]
    }
}
