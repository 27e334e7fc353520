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

    /// `base64url(v2|topupId|userId|expires|keyId|contacts).base64url(mac)`, where `contacts` names the
    /// order's contact binding when the link was made (``contactsTag(_:)``): a link sent before a contact
    /// correction stops opening once the contact changes, so the old address cannot keep the card.
    public func issue(topupId: TopupID, userId: UserID, expiresAt: Int64, contactBinding: String? = nil) -> String {
        let (id, key) = keys[0]
        let payload =
            "v2|\(topupId.rawValue)|\(userId.rawValue)|\(expiresAt)|\(id.hex)|\(Self.contactsTag(contactBinding))"
        let mac = HMAC<SHA256>.authenticationCode(for: Data(payload.utf8), using: key)
        return Base64URL.encode(Array(payload.utf8)) + "." + Base64URL.encode(Array(mac))
    }

    /// 16 hex characters of SHA-256 of the order's contact binding MAC (of nothing for an unbound order).
    public static func contactsTag(_ contactBinding: String?) -> String {
        String(
            Hex.encode(SHA256.hash(data: Data(("bitaqa-reveal-contacts|" + (contactBinding ?? "")).utf8))).prefix(16))
    }

    /// The order and buyer a valid, unexpired token names, and the contacts tag it was made with; nil for
    /// anything else (tokens of the first format included: they named no contacts).
    public func verify(_ token: String, now: Int64) -> (topupId: TopupID, userId: UserID, contacts: String)? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, token.utf8.count <= 1_024,
            let payloadBytes = Base64URL.decode(String(parts[0])), let mac = Base64URL.decode(String(parts[1])),
            let payload = String(bytes: payloadBytes, encoding: .utf8)
        else { return nil }
        let fields = payload.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 6, fields[0] == "v2", let expires = Int64(fields[3]), let keyID = KeyID(hex: fields[4]),
            let key = keys.first(where: { $0.id == keyID })?.key,
            HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: payloadBytes, using: key),
            expires > now, let topupId = TopupID(fields[1]), let userId = UserID(fields[2])
        else { return nil }
        return (topupId, userId, fields[5])
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
