import BitaqaCore
import CardVault
import Testing

@Suite("Card vault: gift cards")
struct GiftCardVaultTests {
    static let order = TopupID("gc:shop-1001")!
    static let user = UserID("user-1")!
    static let code = CardCode("SBX-CANARY-CODE-0001")

    @Test("each part opens only for its order, buyer, position and part")
    func binding() throws {
        let vault = try CardVaultTests.vault(CardVaultTests.keyA)
        let sealed = try vault.seal(Self.code, giftCardOf: Self.order, userId: Self.user, position: 2, part: .code)
        #expect(!sealed.bytes.containsSubsequence(Array("SBX-CANARY-CODE-0001".utf8)))
        #expect(
            try vault.open(sealed.bytes, giftCardOf: Self.order, userId: Self.user, position: 2, part: .code)
                == Self.code)
        let elsewhere: [(TopupID, UserID, Int, GiftCardPart)] = [
            (TopupID("gc:shop-1002")!, Self.user, 2, .code),
            (Self.order, UserID("user-2")!, 2, .code),
            (Self.order, Self.user, 1, .code),
            (Self.order, Self.user, 2, .serial),
        ]
        for (order, user, position, part) in elsewhere {
            #expect(throws: VaultError.self) {
                try vault.open(sealed.bytes, giftCardOf: order, userId: user, position: position, part: part)
            }
        }
    }

    @Test("a gift-card blob never opens as a top-up card, nor a top-up card as a gift card")
    func separateKinds() throws {
        let vault = try CardVaultTests.vault(CardVaultTests.keyA)
        let gift = try vault.seal(Self.code, giftCardOf: Self.order, userId: Self.user, position: 1, part: .code)
        #expect(throws: VaultError.self) {
            try vault.open(gift.bytes, topupId: TopupID("gc:shop-1001#1#code")!, userId: Self.user)
        }
        let topup = try vault.seal(Self.code, topupId: TopupID("gc:shop-1001#1#code")!, userId: Self.user)
        #expect(throws: VaultError.self) {
            try vault.open(topup.bytes, giftCardOf: Self.order, userId: Self.user, position: 1, part: .code)
        }
    }

    @Test("reseal moves a part to the active key and keeps its binding")
    func reseal() throws {
        let old = try CardVaultTests.vault(CardVaultTests.keyA)
        let sealed = try old.seal(Self.code, giftCardOf: Self.order, userId: Self.user, position: 3, part: .serial)
        let rotated = try CardVaultTests.vault(CardVaultTests.keyB, CardVaultTests.keyA)
        let moved = try #require(
            try rotated.reseal(sealed.bytes, giftCardOf: Self.order, userId: Self.user, position: 3, part: .serial))
        #expect(moved.keyID == rotated.keyRing.activeKeyID)
        #expect(
            try rotated.reseal(moved.bytes, giftCardOf: Self.order, userId: Self.user, position: 3, part: .serial)
                == nil)
        #expect(
            try rotated.open(moved.bytes, giftCardOf: Self.order, userId: Self.user, position: 3, part: .serial)
                == Self.code)
        #expect(throws: VaultError.self) {
            try rotated.open(moved.bytes, giftCardOf: Self.order, userId: Self.user, position: 3, part: .code)
        }
    }
}
