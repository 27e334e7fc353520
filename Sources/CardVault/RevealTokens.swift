import BitaqaCore
import Crypto
import Foundation

/// Signed, expiring tokens naming one order and its buyer: what `BITAQA_EMAIL_MODE=link` puts in emails
/// and what `/cards/{token}` accepts. HMAC-SHA256 with a key derived (HKDF) from the key ring, so a
/// token issued before a key rotation still verifies while the old key is in the ring.
public struct RevealTokens: Sendable {
    let keys: [(id: KeyID, key: SymmetricKey)]

    public init(ring: KeyRing) {
        keys = ring.derivedKeys(purpose: "reveal-token")
    }

    /// `base64url(v1|topupId|userId|expires|keyId).base64url(mac)`.
    public func issue(topupId: TopupID, userId: UserID, expiresAt: Int64) -> String {
        let (id, key) = keys[0]
        let payload = "v1|\(topupId.rawValue)|\(userId.rawValue)|\(expiresAt)|\(id.hex)"
        let mac = HMAC<SHA256>.authenticationCode(for: Data(payload.utf8), using: key)
        return Base64URL.encode(Array(payload.utf8)) + "." + Base64URL.encode(Array(mac))
    }

    /// The order and buyer a valid, unexpired token names; nil for anything else.
    public func verify(_ token: String, now: Int64) -> (topupId: TopupID, userId: UserID)? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, token.utf8.count <= 1_024,
            let payloadBytes = Base64URL.decode(String(parts[0])), let mac = Base64URL.decode(String(parts[1])),
            let payload = String(bytes: payloadBytes, encoding: .utf8)
        else { return nil }
        let fields = payload.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 5, fields[0] == "v1", let expires = Int64(fields[3]), let keyID = KeyID(hex: fields[4]),
            let key = keys.first(where: { $0.id == keyID })?.key,
            HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: payloadBytes, using: key),
            expires > now, let topupId = TopupID(fields[1]), let userId = UserID(fields[2])
        else { return nil }
        return (topupId, userId)
    }
}

/// Base64 with the URL alphabet and no padding.
public enum Base64URL {
    public static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(
                of: "=", with: "")
    }

    public static func decode(_ text: String) -> [UInt8]? {
        guard text.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }), text.allSatisfy(\.isASCII)
        else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64).map(Array.init)
    }
}
