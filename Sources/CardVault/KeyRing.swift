import BitaqaCore
import Crypto
import Foundation

/// The encryption keys: the first (active) one seals, every one opens.
///
/// Keys are identified by a ``KeyID`` derived from the key through a domain-separated SHA-256, so the
/// id can be stored beside each card and printed in logs without saying anything about the key.
public struct KeyRing: Sendable {
    public let activeKeyID: KeyID
    /// A handful of keys at most, so a linear scan beats hashing on the hot path of every open.
    private let keys: [(id: KeyID, key: SymmetricKey)]
    /// Key ids in configured order, active first.
    public let keyIDs: [KeyID]

    /// - Throws: ``KeyRingError`` when the list is empty, a key is not 32 bytes, or a key repeats.
    public init(keys material: [SecretBytes]) throws(KeyRingError) {
        guard !material.isEmpty else { throw KeyRingError("the key ring is empty") }
        var keys: [(id: KeyID, key: SymmetricKey)] = []
        var order: [KeyID] = []
        for (position, bytes) in material.enumerated() {
            guard bytes.count == 32 else {
                throw KeyRingError("key \(position + 1) has \(bytes.count) bytes, expected 32")
            }
            let id = KeyID(deriving: bytes)
            guard !order.contains(id) else { throw KeyRingError("key \(position + 1) is listed twice") }
            keys.append((id, SymmetricKey(data: bytes.unsafeBytes)))
            order.append(id)
        }
        self.keys = keys
        self.keyIDs = order
        self.activeKeyID = order[0]
    }

    func key(for id: KeyID) -> SymmetricKey? {
        for entry in keys where entry.id == id { return entry.key }
        return nil
    }

    var activeKey: SymmetricKey { keys[0].key }

    /// A key for another purpose (the audit checkpoint MAC), derived from the active key with HKDF so
    /// that it never equals a card key.
    public func derivedKey(purpose: String) -> SymmetricKey {
        derivedKeys(purpose: purpose)[0].key
    }

    /// The key for `purpose` derived from every key in the ring, active first, each with its key id.
    public func derivedKeys(purpose: String) -> [(id: KeyID, key: SymmetricKey)] {
        keys.map { entry in
            (
                entry.id,
                HKDF<SHA256>.deriveKey(
                    inputKeyMaterial: entry.key, info: Data("bitaqa/\(purpose)".utf8), outputByteCount: 32)
            )
        }
    }
}

/// The public name of a key: 8 bytes of `SHA-256("bitaqa-key-id-v1" ‖ key)`, shown as 16 hex characters.
public struct KeyID: Sendable, Hashable, CustomStringConvertible {
    public static let byteCount = 8
    /// The 8 bytes as one big-endian integer: no allocation, one comparison.
    let value: UInt64

    init(deriving key: SecretBytes) {
        var hasher = SHA256()
        hasher.update(data: Array("bitaqa-key-id-v1".utf8))
        hasher.update(data: key.unsafeBytes)
        self.init(bytes: Array(hasher.finalize()))
    }

    init(value: UInt64) {
        self.value = value
    }

    init(bytes: some Collection<UInt8>) {
        value = bytes.prefix(Self.byteCount).reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Reads the 16-hex-character form stored in the database.
    public init?(hex: String) {
        guard let parsed = SecretBytes(hex: hex, byteCount: Self.byteCount) else { return nil }
        self.init(bytes: parsed.unsafeBytes)
    }

    public var bytes: [UInt8] { (0..<Self.byteCount).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) } }

    public var hex: String { Hex.encode(bytes) }
    public var description: String { hex }
}

/// Why a key ring could not be built. Never contains key material.
public struct KeyRingError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
