import BitaqaCore
import Crypto
import Foundation

/// A Standard Webhooks signing secret: `whsec_` and the base64 of at least 24 random bytes. Only its
/// bytes are kept, and it never prints them.
public struct WebhookSecret: Sendable, CustomStringConvertible {
    let key: SecretBytes

    public static let prefix = "whsec_"

    /// Nil unless `text` is `whsec_` + base64 of at least 24 bytes.
    public init?(_ text: String) {
        guard text.hasPrefix(Self.prefix), let bytes = Data(base64Encoded: String(text.dropFirst(Self.prefix.count))),
            bytes.count >= 24
        else { return nil }
        key = SecretBytes(Array(bytes))
    }

    /// A new secret of 32 random bytes, as `bitaqa webhooks secret` prints it.
    public static func generate() -> String {
        prefix + Data(SecretBytes.random(count: 32).unsafeBytes).base64EncodedString()
    }

    public var description: String { "WebhookSecret(redacted)" }
}

/// Signs messages as the Standard Webhooks 1.0 specification says.
public enum WebhookSignature {
    /// `v1,` + base64 HMAC-SHA256 of `id.timestamp.body` under each secret, space-separated.
    public static func header(id: String, timestamp: Int64, body: String, secrets: [WebhookSecret]) -> String {
        let content = Array("\(id).\(timestamp).\(body)".utf8)
        return secrets.map { secret in
            let mac = HMAC<SHA256>.authenticationCode(for: content, using: SymmetricKey(data: secret.key.unsafeBytes))
            return "v1," + Data(mac).base64EncodedString()
        }.joined(separator: " ")
    }
}
