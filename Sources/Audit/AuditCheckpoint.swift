import BitaqaCore
import Crypto
import Foundation

/// The trail's head at one moment (sequence and hash), signed with an HMAC key derived from the key
/// ring. Kept outside the database (a file, and the log), it proves how long the trail was, so
/// removing the newest events is detected too.
public struct AuditCheckpoint: Sendable, Equatable, Codable {
    public let sequence: Int64
    public let hash: String
    public let at: Int64
    /// The id of the encryption key the MAC key was derived from.
    public let keyID: String
    public let mac: String
    /// Where the keyed era of the trail starts: every event from this sequence on must carry a MAC that
    /// verifies. Signed with the rest, so stripping every MAC from the trail (and keeping the hash chain)
    /// no longer passes. Nil in checkpoints written before it existed.
    public let keyedFrom: Int64?

    public init(sequence: Int64, hash: String, at: Int64, keyID: String, mac: String, keyedFrom: Int64? = nil) {
        self.sequence = sequence
        self.hash = hash
        self.at = at
        self.keyID = keyID
        self.mac = mac
        self.keyedFrom = keyedFrom
    }

    /// The bytes the MAC covers.
    static func message(sequence: Int64, hash: String, at: Int64, keyID: String, keyedFrom: Int64?) -> [UInt8] {
        guard let keyedFrom else { return Array("bitaqa-audit-checkpoint-v1|\(sequence)|\(hash)|\(at)|\(keyID)".utf8) }
        return Array("bitaqa-audit-checkpoint-v2|\(sequence)|\(hash)|\(at)|\(keyID)|\(keyedFrom)".utf8)
    }
}

/// MAC keys for checkpoints, one per encryption key, so checkpoints signed before a key rotation still
/// verify while the old key is in the ring.
public struct CheckpointKeys: Sendable {
    let keys: [(id: String, key: SymmetricKey)]

    /// - Parameter keys: key id and derived MAC key, the active (signing) key first.
    public init(_ keys: [(id: String, key: SymmetricKey)]) {
        precondition(!keys.isEmpty, "at least one checkpoint key")
        self.keys = keys
    }

    /// A signed checkpoint of the given head, and of where the keyed era starts.
    public func sign(sequence: Int64, hash: String, at: Int64, keyedFrom: Int64? = nil) -> AuditCheckpoint {
        let (id, key) = keys[0]
        let mac = HMAC<SHA256>.authenticationCode(
            for: AuditCheckpoint.message(sequence: sequence, hash: hash, at: at, keyID: id, keyedFrom: keyedFrom),
            using: key)
        return AuditCheckpoint(
            sequence: sequence, hash: hash, at: at, keyID: id, mac: Hex.encode(mac), keyedFrom: keyedFrom)
    }

    /// Whether the checkpoint's MAC is valid under the key it names.
    public func isValid(_ checkpoint: AuditCheckpoint) -> Bool {
        guard let key = keys.first(where: { $0.id == checkpoint.keyID })?.key,
            let mac = SecretBytes(hex: checkpoint.mac, byteCount: 32)
        else { return false }
        let message = AuditCheckpoint.message(
            sequence: checkpoint.sequence, hash: checkpoint.hash, at: checkpoint.at, keyID: checkpoint.keyID,
            keyedFrom: checkpoint.keyedFrom)
        return HMAC<SHA256>.isValidAuthenticationCode(mac.unsafeBytes, authenticating: message, using: key)
    }
}

/// Reads and writes the checkpoint file: one JSON object, replaced atomically, mode 0600.
public struct CheckpointFile: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    public func write(_ checkpoint: AuditCheckpoint) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(checkpoint) + Data("\n".utf8)
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let temporary = path + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600])
        else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary])
        }
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    }

    /// The stored checkpoint; nil when there is no file yet.
    public func read() throws -> AuditCheckpoint? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try JSONDecoder().decode(AuditCheckpoint.self, from: data)
    }
}
