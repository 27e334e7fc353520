import BitaqaCore
import CardVault
import Crypto

/// HMAC keys derived from the key ring for one purpose, the active key first: what authenticates a row
/// that a database writer without the key must not be able to make or change (an order's contacts, a
/// webhook message, an alert email). Each purpose has keys of its own, so a MAC made for one is worthless for another.
struct RowKeys: Sendable {
    let keys: [(id: String, key: SymmetricKey)]

    init(ring: KeyRing, purpose: String) {
        keys = ring.derivedKeys(purpose: purpose).map { ($0.id.hex, $0.key) }
    }

    /// The MAC of `fields`, length-prefixed so that no two field lists encode alike, under the active key.
    func mac(_ fields: [String]) -> RowMAC {
        let (id, key) = keys[0]
        return RowMAC(
            mac: Hex.encode(HMAC<SHA256>.authenticationCode(for: Self.content(fields), using: key)), keyID: id)
    }

    /// Whether `mac` was made over `fields` under the key `keyID` names (a key of the ring).
    func verifies(_ mac: String?, keyID: String?, _ fields: [String]) -> Bool {
        guard let keyID, let key = keys.first(where: { $0.id == keyID })?.key,
            let bytes = mac.flatMap({ SecretBytes(hex: $0, byteCount: 32) })
        else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(
            bytes.unsafeBytes, authenticating: Self.content(fields), using: key)
    }

    static func content(_ fields: [String]) -> [UInt8] {
        fields.flatMap { Array("\($0.utf8.count):\($0)".utf8) }
    }
}
