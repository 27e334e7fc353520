import BitaqaCore
import CardVault
import Crypto
import Storage

/// MACs of alert emails, under keys derived from the key ring: the mailer sends only what the monitor
/// wrote, so a row inserted in the database cannot mail the operator a text of its author's choice.
public struct AlertEmailKeys: Sendable {
    /// Key id and derived MAC key, the active key first.
    let keys: [(id: String, key: SymmetricKey)]

    public init(ring: KeyRing) {
        keys = ring.derivedKeys(purpose: "alert-email").map { ($0.id.hex, $0.key) }
    }

    /// The MAC of an alert email with this content, under the active key. The detail is the stored one
    /// (cut to 500 characters).
    func mac(condition: String, active: Bool, detail: String, createdAt: Int64) -> RowMAC {
        let (id, key) = keys[0]
        let code = HMAC<SHA256>.authenticationCode(
            for: Self.content(condition: condition, active: active, detail: String(detail.prefix(500)), at: createdAt),
            using: key)
        return RowMAC(mac: Hex.encode(code), keyID: id)
    }

    func isAuthentic(_ email: AlertEmailRecord) -> Bool {
        guard let keyID = email.macKeyID, let key = keys.first(where: { $0.id == keyID })?.key,
            let mac = email.mac.flatMap({ SecretBytes(hex: $0, byteCount: 32) })
        else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(
            mac.unsafeBytes,
            authenticating: Self.content(
                condition: email.condition, active: email.active, detail: email.detail, at: email.createdAt),
            using: key)
    }

    static func content(condition: String, active: Bool, detail: String, at: Int64) -> [UInt8] {
        ["bitaqa-alert-v1", condition, active ? "1" : "0", detail, String(at)].flatMap {
            Array("\($0.utf8.count):\($0)".utf8)
        }
    }
}
