import BitaqaCore
import CardVault
import Crypto
import Storage

/// MACs of queued webhook messages, under keys derived from the key ring.
///
/// The sender signs a message for the shop with the webhook secret, which the shop trusts. Without
/// this MAC it would sign whatever a database writer put in `webhook_messages` (an `order.refunded`
/// for a fulfilled order, say). The outbox makes the MAC in the transaction that queues the message;
/// the sender refuses a message whose MAC is missing or wrong.
public struct WebhookMessageKeys: Sendable {
    /// Key id and derived MAC key, the active key first.
    let keys: [(id: String, key: SymmetricKey)]

    public init(ring: KeyRing) {
        keys = ring.derivedKeys(purpose: "webhook-message").map { ($0.id.hex, $0.key) }
    }

    /// `message` with its MAC under the active key.
    public func sealed(_ message: NewWebhookMessage) -> NewWebhookMessage {
        let (id, key) = keys[0]
        let mac = HMAC<SHA256>.authenticationCode(
            for: Self.content(
                id: message.id, type: message.type, topupId: message.topupId?.rawValue, body: message.body),
            using: key)
        return NewWebhookMessage(
            id: message.id, type: message.type, topupId: message.topupId, body: message.body, mac: Hex.encode(mac),
            macKeyID: id)
    }

    /// Whether the stored message is one the outbox queued, unchanged.
    public func isAuthentic(_ message: WebhookMessageRecord) -> Bool {
        guard let keyID = message.macKeyID, let key = keys.first(where: { $0.id == keyID })?.key,
            let mac = message.mac.flatMap({ SecretBytes(hex: $0, byteCount: 32) })
        else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(
            mac.unsafeBytes,
            authenticating: Self.content(
                id: message.id, type: message.type, topupId: message.topupId, body: message.body),
            using: key)
    }

    /// Every field, length-prefixed, so no two messages encode alike.
    static func content(id: String, type: String, topupId: String?, body: String) -> [UInt8] {
        ["bitaqa-webhook-v1", id, type, topupId ?? "", body].flatMap { Array("\($0.utf8.count):\($0)".utf8) }
    }
}
