import BitaqaCore
import Configuration
import Foundation

/// Secrets of the service.
///
/// Keys (all read as secrets, never printed):
/// - `BITAQA_ADMIN_TOKEN`: bearer token of the merchant API; at least 16 characters.
/// - `ENCRYPTION_KEY`: one 32-byte key as 64 hex characters (the OneClickDz guide's name).
/// - `BITAQA_ENCRYPTION_KEYS`: several such keys, comma-separated; the first encrypts, all decrypt.
///   When both are set, `BITAQA_ENCRYPTION_KEYS` wins and `ENCRYPTION_KEY` must be one of them.
public struct SecuritySettings: Sendable {
    public var adminToken: Secret?
    /// The key ring as configured, active key first; empty when none is configured.
    public var encryptionKeys: [SecretBytes]

    init(reader: ConfigReader) throws(ConfigurationError) {
        let root = SettingsReader(reader, scope: ["bitaqa"])
        if let token = root.string("admin.token", secret: true) {
            guard token.count >= 16 else {
                throw ConfigurationError("BITAQA_ADMIN_TOKEN", "must be at least 16 characters long")
            }
            adminToken = Secret(token)
        }
        let single = SettingsReader(reader, scope: []).string("encryption.key", secret: true)
        let many = root.string("encryption.keys", secret: true)
        if let many {
            let entries = many.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            encryptionKeys = try entries.enumerated().map { (offset, entry) throws(ConfigurationError) in
                try Self.parseKey(entry, setting: "BITAQA_ENCRYPTION_KEYS", position: offset + 1)
            }
            if Set(encryptionKeys).count != encryptionKeys.count {
                throw ConfigurationError("BITAQA_ENCRYPTION_KEYS", "the same key is listed twice")
            }
            if let single {
                let key = try Self.parseKey(single, setting: "ENCRYPTION_KEY", position: nil)
                guard encryptionKeys.contains(key) else {
                    throw ConfigurationError(
                        "ENCRYPTION_KEY", "is not one of BITAQA_ENCRYPTION_KEYS; set only one of them")
                }
            }
        } else if let single {
            encryptionKeys = [try Self.parseKey(single, setting: "ENCRYPTION_KEY", position: nil)]
        } else {
            encryptionKeys = []
        }
    }

    static func parseKey(_ text: String, setting: String, position: Int?) throws(ConfigurationError) -> SecretBytes {
        let which = position.map { "key \($0)" } ?? "the key"
        guard Hex.isHex(text) else {
            throw ConfigurationError(setting, "\(which) is not hexadecimal (expected 64 hex characters)")
        }
        guard let key = SecretBytes(hex: text, byteCount: 32) else {
            throw ConfigurationError(
                setting, "\(which) has \(text.count) characters, expected 64 hex characters (32 bytes)")
        }
        return key
    }
}
