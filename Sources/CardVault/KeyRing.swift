import BitaqaCore
import Crypto
import Foundation

/// The encryption keys: the first (active) one seals, every one opens.
///
/// Keys are identified by a ``KeyID`` derived from the key through a domain-separated SHA-256, so the
/// id can be stored beside each card and printed in logs without saying anything about the key.
public struct KeyRing: Sendable {
    public let activeKeyID: KeyID
    private let keys: [KeyID: SymmetricKey]
    /// Key ids in configured order, active first.
    public let keyIDs: [KeyID]

    /// - Throws: ``KeyRingError`` when the list is empty, a key is not 32 bytes, or a key repeats.
    public init(keys material: [SecretBytes]) throws(KeyRingError) {
        guard !material.isEmpty else { throw KeyRingError("the key ring is empty") }
        var keys: [KeyID: SymmetricKey] = [:]
        var order: [KeyID] = []
        for (position, bytes) in material.enumerated() {
            guard bytes.count == 32 else {
                throw KeyRingError("key \(position + 1) has \(bytes.count) bytes, expected 32")
            }
            let id = KeyID(deriving: bytes)
            guard keys[id] == nil else { throw KeyRingError("key \(position + 1) is listed twice") }
            keys[id] = SymmetricKey(data: bytes.unsafeBytes)
            order.append(id)
        }
        self.keys = keys
        self.keyIDs = order
        self.activeKeyID = order[0]
    }

    func key(for id: KeyID) -> SymmetricKey? { keys[id] }

    var activeKey: SymmetricKey { keys[activeKeyID]! }

    /// A key for another purpose (the audit checkpoint MAC), derived from the active key with HKDF so
    /// that it never equals a card key.
    public func derivedKey(purpose: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(
            inputKeyMaterial: activeKey,
            info: Data("bitaqa/\(purpose)".utf8),
            outputByteCount: 32
        )
    }
}

/// The public name of a key: 8 bytes of `SHA-256("bitaqa-key-id-v1" ‖ key)`, shown as 16 hex characters.
public struct KeyID: Sendable, Hashable, CustomStringConvertible {
    public static let byteCount = 8
    public let bytes: [UInt8]

    init(deriving key: SecretBytes) {
        var hasher = SHA256()
        hasher.update(data: Array("bitaqa-key-id-v1".utf8))
        hasher.update(data: key.unsafeBytes)
        bytes = Array(hasher.finalize().prefix(Self.byteCount))
    }

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Reads the 16-hex-character form stored in the database.
    public init?(hex: String) {
        guard let parsed = SecretBytes(hex: hex, byteCount: Self.byteCount) else { return nil }
        bytes = parsed.unsafeBytes
    }

    public var hex: String { Hex.encode(bytes) }
    public var description: String { hex }
}

/// Why a key ring could not be built. Never contains key material.
public struct KeyRingError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
