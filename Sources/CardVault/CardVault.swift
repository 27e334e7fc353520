import BitaqaCore
import Crypto
import Foundation

/// Seals card codes with AES-256-GCM and opens them again, bound to their order.
///
/// The sealed form (format version 1), all in one blob:
///
///     version (1) ‖ key id (8) ‖ nonce (12) ‖ ciphertext (n) ‖ tag (16)
///
/// The associated data is `"bitaqa-card" ‖ version ‖ key id ‖ len ‖ topupId ‖ len ‖ userId` (lengths as
/// 4-byte big-endian), so a blob opens only for the order and buyer it was sealed for, and a header that
/// was edited fails authentication. Each seal draws a fresh random 96-bit nonce.
public struct CardVault: Sendable {
    public static let formatVersion: UInt8 = 1
    static let headerLength = 1 + KeyID.byteCount + 12
    static let tagLength = 16

    public let keyRing: KeyRing

    public init(keyRing: KeyRing) {
        self.keyRing = keyRing
    }

    /// Seals `code` for one order under the active key.
    public func seal(_ code: CardCode, topupId: TopupID, userId: UserID) throws -> SealedCard {
        try seal(code, subject: topupId.rawValue.utf8, userId: userId, prefix: Self.aadPrefix)
    }

    /// Seals under the active key with the associated data of one kind of secret (`prefix`) and subject.
    func seal(_ code: CardCode, subject: String.UTF8View, userId: UserID, prefix: [UInt8]) throws -> SealedCard {
        let keyID = keyRing.activeKeyID
        let box = try AES.GCM.seal(
            code.utf8Bytes,
            using: keyRing.activeKey,
            nonce: AES.GCM.Nonce(),
            authenticating: Self.associatedData(
                prefix: prefix, version: Self.formatVersion, keyID: keyID, subject: subject, userId: userId)
        )
        // `combined` is nonce ‖ ciphertext ‖ tag, exactly the tail of the format.
        let combined = box.combined!
        let blob = [UInt8](unsafeUninitializedCapacity: 1 + KeyID.byteCount + combined.count) { buffer, count in
            buffer[0] = Self.formatVersion
            var id = keyID.value.bigEndian
            withUnsafeBytes(of: &id) { raw in
                for index in 0..<KeyID.byteCount { buffer[1 + index] = raw[index] }
            }
            count =
                1 + KeyID.byteCount
                + combined.copyBytes(to: UnsafeMutableBufferPointer(rebasing: buffer[(1 + KeyID.byteCount)...]))
        }
        return SealedCard(bytes: blob, keyID: keyID)
    }

    /// Opens a sealed card for the order it must belong to.
    ///
    /// - Throws: ``VaultError`` telling apart a malformed blob, a key not in the ring, and a failed
    ///   authentication (wrong key bytes, tampering, or a blob moved from another order).
    public func open(_ blob: [UInt8], topupId: TopupID, userId: UserID) throws(VaultError) -> CardCode {
        try open(blob, subject: topupId.rawValue.utf8, userId: userId, prefix: Self.aadPrefix)
    }

    func open(_ blob: [UInt8], subject: String.UTF8View, userId: UserID, prefix: [UInt8]) throws(VaultError)
        -> CardCode
    {
        let header = try Self.parse(blob)
        guard let key = keyRing.key(for: header.keyID) else {
            throw VaultError(.unknownKey, keyID: header.keyID)
        }
        let clear: Data
        do {
            let box = try blob.withUnsafeBytes { raw in
                try AES.GCM.SealedBox(combined: UnsafeRawBufferPointer(rebasing: raw[(1 + KeyID.byteCount)...]))
            }
            clear = try AES.GCM.open(
                box,
                using: key,
                authenticating: Self.associatedData(
                    prefix: prefix, version: header.version, keyID: header.keyID, subject: subject, userId: userId)
            )
        } catch {
            throw VaultError(.authenticationFailed, keyID: header.keyID)
        }
        // Decoding from the contiguous bytes is faster than iterating `Data`.
        let decoded = clear.withUnsafeBytes { raw in String(validating: raw.bindMemory(to: UInt8.self), as: UTF8.self) }
        guard let text = decoded else {
            throw VaultError(.malformed, keyID: header.keyID)
        }
        return CardCode(text)
    }

    /// The key id a blob names, without opening it; nil when the blob is malformed.
    public static func keyID(of blob: [UInt8]) -> KeyID? {
        try? parse(blob).keyID
    }

    /// Opens a blob and seals it again under the active key; nil when it already is under the active key.
    public func reseal(_ blob: [UInt8], topupId: TopupID, userId: UserID) throws(VaultError) -> SealedCard? {
        let header = try Self.parse(blob)
        if header.keyID == keyRing.activeKeyID { return nil }
        let code = try open(blob, topupId: topupId, userId: userId)
        do {
            return try seal(code, topupId: topupId, userId: userId)
        } catch {
            throw VaultError(.sealFailed, keyID: keyRing.activeKeyID)
        }
    }

    struct Header {
        let version: UInt8
        let keyID: KeyID
    }

    static func parse(_ blob: [UInt8]) throws(VaultError) -> Header {
        guard blob.count >= headerLength + tagLength else { throw VaultError(.malformed, keyID: nil) }
        guard blob[0] == formatVersion else { throw VaultError(.unsupportedVersion, keyID: nil) }
        let id = blob.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 1, as: UInt64.self) }
        return Header(version: blob[0], keyID: KeyID(value: UInt64(bigEndian: id)))
    }

    static let aadPrefix = Array("bitaqa-card".utf8)

    /// The associated data (`prefix` names the kind of secret, `subject` what it belongs to), written into one exactly sized array with block copies; the index is local
    /// to the initializer, so nothing on this hot path needs runtime exclusivity checks.
    static func associatedData(
        prefix aadPrefix: [UInt8], version: UInt8, keyID: KeyID, subject topup: String.UTF8View, userId: UserID
    ) -> [UInt8] {
        let user = userId.rawValue.utf8
        let count = aadPrefix.count + 1 + KeyID.byteCount + 4 + topup.count + 4 + user.count
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            // `count` is never 0, so the buffer always has an address.
            guard let start = buffer.baseAddress else { return }
            let base = UnsafeMutableRawPointer(start)
            var offset = aadPrefix.withUnsafeBytes { prefix in
                if let source = prefix.baseAddress { base.copyMemory(from: source, byteCount: prefix.count) }
                return prefix.count
            }
            base.storeBytes(of: version, toByteOffset: offset, as: UInt8.self)
            offset += 1
            base.storeBytes(of: keyID.value.bigEndian, toByteOffset: offset, as: UInt64.self)
            offset += KeyID.byteCount
            base.storeBytes(of: UInt32(topup.count).bigEndian, toByteOffset: offset, as: UInt32.self)
            offset += 4
            offset += copy(topup, to: base + offset)
            base.storeBytes(of: UInt32(user.count).bigEndian, toByteOffset: offset, as: UInt32.self)
            offset += 4
            offset += copy(user, to: base + offset)
            initialized = offset
        }
    }

    private static func copy(_ text: String.UTF8View, to destination: UnsafeMutableRawPointer) -> Int {
        if let copied = text.withContiguousStorageIfAvailable({ bytes -> Int in
            if let source = bytes.baseAddress { destination.copyMemory(from: source, byteCount: bytes.count) }
            return bytes.count
        }) {
            return copied
        }
        var index = 0
        for byte in text {
            destination.storeBytes(of: byte, toByteOffset: index, as: UInt8.self)
            index += 1
        }
        return index
    }
}

/// A card code after sealing: the blob to store and the id of the key that sealed it.
public struct SealedCard: Sendable, Equatable {
    public let bytes: [UInt8]
    public let keyID: KeyID
}

/// Why a sealed card could not be opened. Names the key id, never key or card bytes.
public struct VaultError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Reason: String, Sendable {
        /// Too short, or not valid UTF-8 after opening.
        case malformed
        /// A format version this build does not know.
        case unsupportedVersion = "unsupported_version"
        /// The key id is not in the ring (the key was removed before rotation finished).
        case unknownKey = "unknown_key"
        /// The tag did not verify: wrong key bytes, tampering, or a blob moved from another order.
        case authenticationFailed = "authentication_failed"
        /// Sealing under the active key failed.
        case sealFailed = "seal_failed"
    }

    public let reason: Reason
    public let keyID: KeyID?

    init(_ reason: Reason, keyID: KeyID?) {
        self.reason = reason
        self.keyID = keyID
    }

    public var description: String {
        "card unreadable (\(reason.rawValue)" + (keyID.map { ", key \($0.hex)" } ?? "") + ")"
    }
}
