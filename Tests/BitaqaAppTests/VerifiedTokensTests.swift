import BitaqaCore
import Foundation
import Testing

@testable import BitaqaHTTP

@Suite("Verified customer tokens")
struct VerifiedTokensTests {
    static let user = UserID("u-1")!

    @Test("an entry is used only inside its token's time bounds")
    func timeBounds() {
        let cache = VerifiedTokens()
        let now = Date()
        cache.remember("t1", .init(user: Self.user, usableUntil: now.addingTimeInterval(60), usableFrom: nil))
        cache.remember(
            "t2", .init(user: Self.user, usableUntil: now.addingTimeInterval(60), usableFrom: now.addingTimeInterval(5))
        )
        #expect(cache.user(of: "t1", now: now) == Self.user)
        #expect(cache.user(of: "t1", now: now.addingTimeInterval(60)) == nil)
        #expect(cache.user(of: "t2", now: now) == nil)
        #expect(cache.user(of: "t2", now: now.addingTimeInterval(5)) == Self.user)
        #expect(cache.user(of: "t3", now: now) == nil)
    }

    @Test("a full cache empties and fills again")
    func bounded() {
        let cache = VerifiedTokens(capacity: 3)
        let entry = VerifiedTokens.Entry(user: Self.user, usableUntil: Date().addingTimeInterval(60), usableFrom: nil)
        for index in 0..<3 { cache.remember("t\(index)", entry) }
        #expect(cache.count == 3)
        cache.remember("t3", entry)
        #expect(cache.count == 1)
        #expect(cache.user(of: "t3", now: Date()) == Self.user)
    }

    @Test("a remembered token does not vouch for a tampered copy, nor for itself once expired")
    func authenticator() async throws {
        let authenticator = await CustomerAuthenticator.hmac(
            secret: Secret(Tokens.secret), issuer: nil, audience: nil)
        let good = try await Tokens.hs256(Tokens.claims("alice"))
        #expect(await authenticator.userID(fromBearer: good) == UserID("alice"))
        #expect(await authenticator.userID(fromBearer: good) == UserID("alice"))
        #expect(authenticator.verified.count == 1)
        var tampered = Array(good)
        tampered[tampered.count - 2] = tampered[tampered.count - 2] == "A" ? "B" : "A"
        #expect(await authenticator.userID(fromBearer: String(tampered)) == nil)
        // Expired beyond the leeway: refused by the verifier, and so never remembered.
        let expired = try await Tokens.hs256(Tokens.claims("alice", expiresIn: -120))
        #expect(await authenticator.userID(fromBearer: expired) == nil)
        #expect(authenticator.verified.count == 1)
    }
}
