import BitaqaCore
import Crypto

/// The keys that authenticate the audit chain: each event's hash gets an HMAC-SHA256 under the active
/// key, with the key's id stored beside it, so events written before a rotation still verify while
/// their key is in the ring.
///
/// Retiring a key: the hash chain is SHA-256 over every earlier event, so an event MACed under a key
/// still in the ring vouches for every event before it. `bitaqa keys rotate` writes `KEY_ROTATED` under
/// the new key; after that the old key may leave the ring and `audit verify` checks the older events
/// by their links up to the first event it can authenticate. Only events after the last one under a
/// present key would be left unauthenticated, and `audit verify` reports them as broken.
public struct AuditKeys: Sendable {
    let keys: [(id: String, key: SymmetricKey)]

    /// - Parameter keys: key id and derived MAC key, the active key first.
    public init(_ keys: [(id: String, key: SymmetricKey)]) {
        self.keys = keys
    }

    var active: (id: String, key: SymmetricKey)? { keys.first }

    func mac(_ hash: String, key: SymmetricKey) -> String {
        HMAC<SHA256>.authenticationCode(for: Array(hash.utf8), using: key).withUnsafeBytes { Hex.encode(buffer: $0) }
    }

    /// Whether `mac` authenticates `hash` under the key `keyID`; nil when that key is not in the ring.
    func verify(hash: String, mac: String, keyID: String) -> Bool? {
        guard let key = keys.first(where: { $0.id == keyID })?.key else { return nil }
        guard let bytes = SecretBytes(hex: mac, byteCount: 32) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(bytes.unsafeBytes, authenticating: Array(hash.utf8), using: key)
    }
}
