import BitaqaCore
import CardVault
import Testing

@Suite("Reveal tokens")
struct RevealTokenTests {
    static let keyA = SecretBytes(hex: String(repeating: "a1", count: 32), byteCount: 32)!
    static let keyB = SecretBytes(hex: String(repeating: "b2", count: 32), byteCount: 32)!

    @Test("a token names its order and buyer until it expires")
    func roundTrip() throws {
        let tokens = RevealTokens(ring: try KeyRing(keys: [Self.keyA]))
        let token = tokens.issue(topupId: TopupID("t-1")!, userId: UserID("u-1")!, expiresAt: 10_000)
        let opened = try #require(tokens.verify(token, now: 9_999))
        #expect(opened.topupId == TopupID("t-1")! && opened.userId == UserID("u-1")!)
        #expect(tokens.verify(token, now: 10_000) == nil)
        #expect(token.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." })
    }

    @Test("tampered, truncated, foreign and garbage tokens are refused")
    func refusals() throws {
        let tokens = RevealTokens(ring: try KeyRing(keys: [Self.keyA]))
        let token = tokens.issue(topupId: TopupID("t-1")!, userId: UserID("u-1")!, expiresAt: 10_000)
        let parts = token.split(separator: ".").map(String.init)
        let forgedPayload = Base64URL.encode(
            Array(
                "v2|t-2|u-1|10000|\(try KeyRing(keys: [Self.keyA]).activeKeyID.hex)|\(RevealTokens.contactsTag(nil))"
                    .utf8))
        for bad in [
            forgedPayload + "." + parts[1], parts[0] + "." + parts[1].dropLast(2), parts[0], "", "a.b",
            String(repeating: "x", count: 2_000),
        ] {
            #expect(tokens.verify(bad, now: 1) == nil)
        }
        let other = RevealTokens(ring: try KeyRing(keys: [Self.keyB]))
        #expect(other.verify(token, now: 1) == nil)
        // After a rotation the old key still verifies its tokens while it stays in the ring.
        let rotated = RevealTokens(ring: try KeyRing(keys: [Self.keyB, Self.keyA]))
        #expect(rotated.verify(token, now: 1) != nil)
    }
}
