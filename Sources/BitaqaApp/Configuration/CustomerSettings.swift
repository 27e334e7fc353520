import BitaqaCore
import BitaqaHTTP
import Configuration
import Foundation

/// Customer access: how tokens are checked and how fast cards may be revealed.
///
/// Keys:
/// - `BITAQA_JWT_SECRET` (secret): HS256 secret, at least 32 characters; or
/// - `BITAQA_JWT_PUBLIC_KEY_FILE`: a PEM public key (ES256 P-256, or RS256) instead of the secret.
///   Without either, development creates `<data dir>/dev-jwt-secret`; production refuses to start.
/// - `BITAQA_JWT_ISSUER` / `BITAQA_JWT_AUDIENCE`: when set, tokens must carry this `iss` / `aud`;
///   required in production.
/// - `BITAQA_JWT_MAX_LIFETIME`: the longest accepted token lifetime in seconds (default 86400), counted
///   from `iat`, or from now for a token without `iat`.
/// - `BITAQA_RATE_LIMIT_REVEALS`: card reveals per user per window (default 30; 0 turns it off).
/// - `BITAQA_RATE_LIMIT_ADDRESS`: card and auth requests per client address per window (default 120).
/// - `BITAQA_RATE_LIMIT_AUTH_FAILURES`: failed authentications per address per window (default 20).
/// - `BITAQA_RATE_LIMIT_WINDOW`: the sliding window in seconds (default 60).
public struct CustomerSettings: Sendable {
    public var jwtSecret: Secret?
    public var jwtPublicKeyFile: String?
    public var issuer: String?
    public var audience: String?
    public var maxLifetime: Duration
    public var revealsPerUser: Int
    public var requestsPerAddress: Int
    public var authFailuresPerAddress: Int
    public var window: Duration

    init(reader: ConfigReader) throws(ConfigurationError) {
        let jwt = SettingsReader(reader, scope: ["bitaqa", "jwt"])
        let limits = SettingsReader(reader, scope: ["bitaqa", "rate", "limit"])
        jwtSecret = jwt.string("secret", secret: true).map(Secret.init)
        jwtPublicKeyFile = jwt.string("public.key.file")
        issuer = jwt.string("issuer")
        audience = jwt.string("audience")
        maxLifetime = try jwt.duration("max.lifetime", default: 86_400, range: 60...31_536_000)
        if let secret = jwtSecret, secret.unsafeRevealed.count < 32 {
            throw ConfigurationError("BITAQA_JWT_SECRET", "must be at least 32 characters long")
        }
        if jwtSecret != nil && jwtPublicKeyFile != nil {
            throw ConfigurationError("BITAQA_JWT_PUBLIC_KEY_FILE", "set either it or BITAQA_JWT_SECRET, not both")
        }
        if let file = jwtPublicKeyFile, !FileManager.default.isReadableFile(atPath: file) {
            throw ConfigurationError("BITAQA_JWT_PUBLIC_KEY_FILE", "cannot read the file \(file)")
        }
        revealsPerUser = try limits.int("reveals", default: 30, range: 0...1_000_000)
        requestsPerAddress = try limits.int("address", default: 120, range: 0...1_000_000)
        authFailuresPerAddress = try limits.int("auth.failures", default: 20, range: 0...1_000_000)
        window = try limits.duration("window", default: 60, range: 0.1...86_400)
    }
}

extension CustomerSettings {
    /// The rate limits the HTTP layer applies.
    var limits: CustomerLimits {
        CustomerLimits(
            revealsPerUser: revealsPerUser, requestsPerAddress: requestsPerAddress,
            authFailuresPerAddress: authFailuresPerAddress, window: window)
    }
}
