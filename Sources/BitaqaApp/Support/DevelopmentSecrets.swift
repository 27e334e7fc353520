import BitaqaCore
import Foundation
import Logging

/// Secrets that development creates on first run so that `swift run bitaqa serve` needs no setup.
///
/// Each is written once under the data folder with mode 0600 and reused afterwards. Production never
/// reaches this code: a missing secret there is a startup error.
enum DevelopmentSecrets {
    static let encryptionKeyFile = "dev-encryption.key"
    static let adminTokenFile = "dev-admin-token"

    /// The development encryption key, created when absent.
    static func encryptionKey(dataDirectory: String, logger: Logger) throws -> SecretBytes {
        let path = dataDirectory + "/" + encryptionKeyFile
        let text = try loadOrCreate(path: path) {
            SecretBytes.random(count: 32).unsafeHex
        } created: {
            logger.warning(
                "⚠️  NO ENCRYPTION KEY CONFIGURED: generated a development key; cards stored with it are only as safe as this file. Set ENCRYPTION_KEY (bitaqa keys generate) before real use.",
                metadata: ["file": "\(path)"]
            )
        }
        guard let key = SecretBytes(hex: text, byteCount: 32) else {
            throw ConfigurationError(
                "ENCRYPTION_KEY", "the development key file \(path) is damaged; remove it or set ENCRYPTION_KEY")
        }
        return key
    }

    /// The development admin token of the merchant API, created when absent.
    static func adminToken(dataDirectory: String, logger: Logger) throws -> Secret {
        let path = dataDirectory + "/" + adminTokenFile
        let text = try loadOrCreate(path: path) {
            SecretBytes.random(count: 24).unsafeHex
        } created: {
            logger.warning(
                "no BITAQA_ADMIN_TOKEN configured: generated a development token for the merchant API",
                metadata: ["file": "\(path)"])
        }
        guard text.count >= 16 else {
            throw ConfigurationError(
                "BITAQA_ADMIN_TOKEN",
                "the development token file \(path) is damaged; remove it or set BITAQA_ADMIN_TOKEN")
        }
        return Secret(text)
    }

    /// The development HS256 secret for customer tokens, created when absent.
    static func jwtSecret(dataDirectory: String, logger: Logger) throws -> Secret {
        let path = dataDirectory + "/dev-jwt-secret"
        let text = try loadOrCreate(path: path) {
            SecretBytes.random(count: 32).unsafeHex
        } created: {
            logger.warning(
                "no BITAQA_JWT_SECRET configured: generated a development secret for customer tokens (HS256)",
                metadata: ["file": "\(path)"])
        }
        guard text.count >= 32 else {
            throw ConfigurationError(
                "BITAQA_JWT_SECRET",
                "the development secret file \(path) is damaged; remove it or set BITAQA_JWT_SECRET")
        }
        return Secret(text)
    }

    /// Reads the file, or writes `make()` to it with mode 0600 when it does not exist. Two processes
    /// starting together agree on one value: the file appears atomically through `link`, which fails
    /// for the second writer, who then reads the first one's value.
    static func loadOrCreate(path: String, make: () -> String, created: () -> Void) throws -> String {
        if let existing = try? String(contentsOfFile: path, encoding: .utf8) {
            return existing.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: .min ... .max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: temporary])
        }
        let bytes = Array((make() + "\n").utf8)
        let written = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
        fsync(descriptor)
        close(descriptor)
        defer { unlink(temporary) }
        guard written == bytes.count else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary])
        }
        if link(temporary, path) == 0 {
            created()
        }
        return try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
