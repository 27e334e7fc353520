import BitaqaCore
import CardVault
import Testing

@Suite("Card vault")
struct CardVaultTests {
    static let keyA = SecretBytes(hex: String(repeating: "a1", count: 32), byteCount: 32)!
    static let keyB = SecretBytes(hex: String(repeating: "b2", count: 32), byteCount: 32)!
    static let topup = TopupID("6740a1b2c3")!
    static let user = UserID("user-1")!
    static let code = CardCode("123456789012")

    static func vault(_ keys: SecretBytes...) throws -> CardVault {
        CardVault(keyRing: try KeyRing(keys: keys))
    }

    @Test("a sealed card opens for its order and names its key")
    func roundTrip() throws {
        let vault = try Self.vault(Self.keyA)
        let sealed = try vault.seal(Self.code, topupId: Self.topup, userId: Self.user)
        #expect(sealed.keyID == vault.keyRing.activeKeyID)
        #expect(sealed.bytes.count == 1 + 8 + 12 + 12 + 16)
        #expect(sealed.bytes[0] == CardVault.formatVersion)
        #expect(CardVault.keyID(of: sealed.bytes) == sealed.keyID)
        let opened = try vault.open(sealed.bytes, topupId: Self.topup, userId: Self.user)
        #expect(opened == Self.code)
        #expect(!sealed.bytes.containsSubsequence(Array("123456789012".utf8)))
    }

    @Test("every seal draws a new nonce")
    func nonceUniqueness() throws {
        let vault = try Self.vault(Self.keyA)
        var nonces = Set<[UInt8]>()
        for _ in 0..<20_000 {
            let sealed = try vault.seal(Self.code, topupId: Self.topup, userId: Self.user)
            nonces.insert(Array(sealed.bytes[9..<21]))
        }
        #expect(nonces.count == 20_000)
    }

    @Test("a blob opened for another order or buyer fails authentication")
    func boundToOrder() throws {
        let vault = try Self.vault(Self.keyA)
        let sealed = try vault.seal(Self.code, topupId: Self.topup, userId: Self.user)
        for (topup, user) in [(TopupID("6740a1b2c4")!, Self.user), (Self.topup, UserID("user-2")!)] {
            #expect(throws: VaultError.self) { try vault.open(sealed.bytes, topupId: topup, userId: user) }
            do { _ = try vault.open(sealed.bytes, topupId: topup, userId: user) } catch {
                #expect(error.reason == .authenticationFailed)
                #expect(error.keyID == sealed.keyID)
            }
        }
    }

    @Test(
        "failures are told apart",
        arguments: [
            ("truncated", VaultError.Reason.malformed),
            ("empty", .malformed),
            ("version", .unsupportedVersion),
            ("tag", .authenticationFailed),
            ("ciphertext", .authenticationFailed),
            ("nonce", .authenticationFailed),
            ("keyid", .unknownKey),
            ("otherRing", .unknownKey),
        ])
    func failures(damage: String, reason: VaultError.Reason) throws {
        let vault = try Self.vault(Self.keyA)
        var blob = try vault.seal(Self.code, topupId: Self.topup, userId: Self.user).bytes
        var opener = vault
        switch damage {
        case "truncated": blob = Array(blob.prefix(30))
        case "empty": blob = []
        case "version": blob[0] = 9
        case "tag": blob[blob.count - 1] ^= 0x01
        case "ciphertext": blob[22] ^= 0x80
        case "nonce": blob[10] ^= 0x01
        case "keyid": blob[3] ^= 0x01
        default: opener = try Self.vault(Self.keyB)
        }
        do {
            _ = try opener.open(blob, topupId: Self.topup, userId: Self.user)
            Issue.record("a damaged blob opened")
        } catch {
            #expect(error.reason == reason)
            #expect(!error.description.contains("123456789012"))
            #expect(!error.description.lowercased().contains("a1a1"))
        }
    }

    @Test("the same key bytes under another ring position still open (ids derive from the key)")
    func keyIDsAreStable() throws {
        let sealed = try Self.vault(Self.keyA).seal(Self.code, topupId: Self.topup, userId: Self.user)
        let later = try Self.vault(Self.keyB, Self.keyA)
        #expect(try later.open(sealed.bytes, topupId: Self.topup, userId: Self.user) == Self.code)
        #expect(later.keyRing.activeKeyID != sealed.keyID)
        #expect(later.keyRing.keyIDs.map(\.hex).allSatisfy { $0.count == 16 })
        #expect(!Self.keyA.unsafeHex.hasPrefix(sealed.keyID.hex))
    }

    @Test("reseal moves a card to the active key and leaves active-key cards alone")
    func reseal() throws {
        let old = try Self.vault(Self.keyA)
        let sealed = try old.seal(Self.code, topupId: Self.topup, userId: Self.user)
        let ring = try Self.vault(Self.keyB, Self.keyA)
        let moved = try #require(try ring.reseal(sealed.bytes, topupId: Self.topup, userId: Self.user))
        #expect(moved.keyID == ring.keyRing.activeKeyID)
        #expect(try ring.reseal(moved.bytes, topupId: Self.topup, userId: Self.user) == nil)
        #expect(try Self.vault(Self.keyB).open(moved.bytes, topupId: Self.topup, userId: Self.user) == Self.code)
    }

    @Test("the key ring refuses empty, short and repeated keys without showing them")
    func keyRingValidation() {
        #expect(throws: KeyRingError.self) { try KeyRing(keys: []) }
        #expect(throws: KeyRingError.self) { try KeyRing(keys: [SecretBytes(Array(repeating: 1, count: 31))]) }
        do {
            _ = try KeyRing(keys: [Self.keyA, Self.keyB, Self.keyA])
            Issue.record("a repeated key was accepted")
        } catch {
            #expect(error.description.contains("key 3"))
            #expect(!error.description.contains("a1"))
        }
    }

    @Test("derived keys differ from each other and from the card key's id")
    func derivedKeys() throws {
        let ring = try KeyRing(keys: [Self.keyA])
        let audit = ring.derivedKey(purpose: "audit-checkpoint")
        let other = ring.derivedKey(purpose: "reveal-token")
        #expect(audit != other)
        #expect(audit.withUnsafeBytes { Array($0) } != Self.keyA.unsafeBytes)
    }
}

extension Array where Element == UInt8 {
    func containsSubsequence(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count else { return false }
        for start in 0...(count - needle.count) where Array(self[start..<(start + needle.count)]) == needle {
            return true
        }
        return false
    }
}
