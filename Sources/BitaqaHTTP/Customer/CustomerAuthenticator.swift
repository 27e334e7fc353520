import BitaqaCore
import Foundation
import JWTKit
import Orders

/// Verifies customer bearer tokens: only the configured algorithm, no `crit` header (RFC 7515 §4.1.11:
/// we understand no extension, so a token that demands one is refused), `exp` required and at most
/// `maxLifetime` after `iat` and after now, `iat` not in the future, `nbf` honoured, a small leeway,
/// `iss` and `aud` when configured, `sub` as the user id. Every failure is the same `nil`: the caller
/// answers 401 without saying which check failed.
public struct CustomerAuthenticator: Sendable {
    let keys: JWTKeyCollection
    let algorithm: String
    let issuer: String?
    let audience: String?
    var maxLifetime: TimeInterval = 86_400
    static let leeway: TimeInterval = 30
    /// Verified tokens of this configuration; a changed configuration starts a cache of its own.
    var verified = VerifiedTokens()

    /// The claims Bitaqa reads.
    struct Claims: JWTPayload {
        let sub: SubjectClaim
        let exp: ExpirationClaim
        let nbf: NotBeforeClaim?
        let iat: IssuedAtClaim?
        let iss: IssuerClaim?
        let aud: AudienceClaim?

        func verify(using algorithm: some JWTAlgorithm) async throws {
            let now = Date()
            try exp.verifyNotExpired(currentDate: now.addingTimeInterval(-CustomerAuthenticator.leeway))
            try nbf?.verifyNotBefore(currentDate: now.addingTimeInterval(CustomerAuthenticator.leeway))
        }
    }

    /// HS256 with a shared secret.
    public static func hmac(secret: Secret, issuer: String?, audience: String?) async -> CustomerAuthenticator {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret.unsafeRevealed), digestAlgorithm: .sha256)
        return CustomerAuthenticator(keys: keys, algorithm: "HS256", issuer: issuer, audience: audience)
    }

    /// ES256 or RS256 with a PEM public key; which one is decided by the key itself.
    public static func publicKey(pem: String, issuer: String?, audience: String?) async throws -> CustomerAuthenticator
    {
        let keys = JWTKeyCollection()
        if let key = try? ES256PublicKey(pem: pem) {
            await keys.add(ecdsa: key)
            return CustomerAuthenticator(keys: keys, algorithm: "ES256", issuer: issuer, audience: audience)
        }
        let key = try Insecure.RSA.PublicKey(pem: pem)
        await keys.add(rsa: key, digestAlgorithm: .sha256)
        return CustomerAuthenticator(keys: keys, algorithm: "RS256", issuer: issuer, audience: audience)
    }

    /// The same verifier with a longest accepted token lifetime (`BITAQA_JWT_MAX_LIFETIME`).
    public func limitingLifetime(to lifetime: Duration) -> CustomerAuthenticator {
        var limited = self
        limited.maxLifetime = lifetime.inSeconds
        limited.verified = VerifiedTokens()
        return limited
    }

    /// The user a valid token names, or nil.
    public func userID(fromBearer token: String) async -> UserID? {
        if let user = verified.user(of: token, now: Date()) { return user }
        guard let (user, entry) = await verify(token) else { return nil }
        verified.remember(token, entry)
        return user
    }

    private func verify(_ token: String) async -> (UserID, VerifiedTokens.Entry)? {
        // The header's algorithm must be ours before any verification is tried: never `none`, and
        // never an HMAC made with a public key.
        guard token.utf8.count <= 8_192, let header = Self.header(of: token), header["alg"] as? String == algorithm,
            header["crit"] == nil
        else {
            return nil
        }
        guard let claims = try? await keys.verify(token, as: Claims.self) else { return nil }
        // A token may not claim to be issued in the future (it would stretch its life past the limit from
        // now), and may not live longer than the limit from its issue, nor from now.
        let now = Date()
        if let issued = claims.iat?.value, issued.timeIntervalSince(now) > Self.leeway { return nil }
        let start = min(claims.iat?.value ?? now, now)
        guard claims.exp.value.timeIntervalSince(start) <= maxLifetime + Self.leeway,
            claims.exp.value.timeIntervalSince(now) <= maxLifetime + Self.leeway
        else { return nil }
        if let issuer, claims.iss?.value != issuer { return nil }
        if let audience, !(claims.aud?.value.contains(audience) ?? false) { return nil }
        guard let user = UserID(claims.sub.value) else { return nil }
        return (
            user,
            VerifiedTokens.Entry(
                user: user, usableUntil: claims.exp.value.addingTimeInterval(Self.leeway),
                usableFrom: claims.nbf.map { $0.value.addingTimeInterval(-Self.leeway) })
        )
    }

    static func header(of token: String) -> [String: Any]? {
        guard let first = token.split(separator: ".", omittingEmptySubsequences: false).first else { return nil }
        var base64 = first.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64) else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }
}
