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
        try seal(bytes: code.utf8Bytes, topupId: topupId, userId: userId)
    }

    private func seal(bytes: [UInt8], topupId: TopupID, userId: UserID) throws -> SealedCard {
        let keyID = keyRing.activeKeyID
        let nonce = AES.GCM.Nonce()
        let box = try AES.GCM.seal(
            bytes,
            using: keyRing.activeKey,
            nonce: nonce,
            authenticating: Self.associatedData(version: Self.formatVersion, keyID: keyID, topupId: topupId, userId: userId)
        )
        var blob: [UInt8] = []
        blob.reserveCapacity(Self.headerLength + bytes.count + Self.tagLength)
        blob.append(Self.formatVersion)
        blob.append(contentsOf: keyID.bytes)
        blob.append(contentsOf: nonce)
        blob.append(contentsOf: box.ciphertext)
        blob.append(contentsOf: box.tag)
        return SealedCard(bytes: blob, keyID: keyID)
    }

    /// Opens a sealed card for the order it must belong to.
    ///
    /// - Throws: ``VaultError`` telling apart a malformed blob, a key not in the ring, and a failed
    ///   authentication (wrong key bytes, tampering, or a blob moved from another order).
    public func open(_ blob: [UInt8], topupId: TopupID, userId: UserID) throws(VaultError) -> CardCode {
        let header = try Self.parse(blob)
        guard let key = keyRing.key(for: header.keyID) else {
            throw VaultError(.unknownKey, keyID: header.keyID)
        }
        do {
            let box = try AES.GCM.SealedBox(
                nonce: AES.GCM.Nonce(data: blob[(1 + KeyID.byteCount)..<Self.headerLength]),
                ciphertext: blob[Self.headerLength..<(blob.count - Self.tagLength)],
                tag: blob[(blob.count - Self.tagLength)...]
            )
            let clear = try AES.GCM.open(
                box,
                using: key,
                authenticating: Self.associatedData(version: header.version, keyID: header.keyID, topupId: topupId, userId: userId)
            )
            guard let text = String(bytes: clear, encoding: .utf8) else {
                throw VaultError(.malformed, keyID: header.keyID)
            }
            return CardCode(text)
        } catch let error as VaultError {
            throw error
        } catch {
            throw VaultError(.authenticationFailed, keyID: header.keyID)
        }
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

    private struct Header {
        let version: UInt8
        let keyID: KeyID
    }

    private static func parse(_ blob: [UInt8]) throws(VaultError) -> Header {
        guard blob.count >= headerLength + tagLength else { throw VaultError(.malformed, keyID: nil) }
        guard blob[0] == formatVersion else { throw VaultError(.unsupportedVersion, keyID: nil) }
        return Header(version: blob[0], keyID: KeyID(bytes: Array(blob[1..<(1 + KeyID.byteCount)])))
    }

    static func associatedData(version: UInt8, keyID: KeyID, topupId: TopupID, userId: UserID) -> [UInt8] {
        var data = Array("bitaqa-card".utf8)
        data.append(version)
        data.append(contentsOf: keyID.bytes)
        for field in [topupId.rawValue, userId.rawValue] {
            let bytes = Array(field.utf8)
            withUnsafeBytes(of: UInt32(bytes.count).bigEndian) { data.append(contentsOf: $0) }
            data.append(contentsOf: bytes)
        }
        return data
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
