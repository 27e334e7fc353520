import BitaqaTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The limits an attacker found missing: each test performs the attack through the HTTP API.
@Suite("Rate limits without gaps")
struct RateLimitGapTests {
    @Test(
        "the reveal page: guessed links are throttled as failures, good links by the address's allowance, and neither locks out the other",
        arguments: TestDatabase.available)
    func revealPagePerAddress(database: TestDatabase) async throws {
        let settings = CustomerAPITests.settings.merging([
            "BITAQA_RATE_LIMIT_ADDRESS": "4", "BITAQA_RATE_LIMIT_AUTH_FAILURES": "3",
        ]) { $1 }
        try await TestApp.run(on: database, settings: settings, seed: CustomerAPITests.seed) { client, _ in
            var statuses: [UInt] = []
            for attempt in 0..<6 {
                let path = "/cards/guessed-token-\(attempt)"
                statuses.append(
                    UInt(try await client.execute(uri: path, method: attempt % 2 == 0 ? .get : .post).status.code))
            }
            #expect(statuses == [404, 404, 404, 429, 429, 429], "\(statuses)")
            // A buyer behind the same address (a carrier-grade NAT) still opens a good link ...
            let good = "/cards/" + RevealPageTests.token("a-full", "alice")
            var goodStatuses: [UInt] = []
            for _ in 0..<5 { goodStatuses.append(UInt(try await client.execute(uri: good, method: .get).status.code)) }
            // ... within the address's own allowance for good links.
            #expect(goodStatuses == [200, 200, 200, 200, 429], "\(goodStatuses)")
        }
    }

    @Test("a flood of tokenless requests from an address never refuses a valid token from it")
    func tokenlessFlood() async throws {
        let settings = CustomerAPITests.settings.merging([
            "BITAQA_RATE_LIMIT_ADDRESS": "5", "BITAQA_RATE_LIMIT_AUTH_FAILURES": "3",
        ]) { $1 }
        try await TestApp.run(settings: settings, seed: CustomerAPITests.seed) { client, _ in
            for _ in 0..<20 {
                let status = try await CustomerAPITests.get(client, "/api/internet-orders", token: nil).status
                #expect(status == .unauthorized || status == .tooManyRequests)
            }
            let valid = try await CustomerAPITests.get(
                client, "/api/internet-orders", token: try await Tokens.hs256(Tokens.claims("alice")))
            #expect(valid.status == .ok, "tokenless requests used up the address's allowance")
        }
    }

    @Test("wrong admin tokens are throttled: past the allowance the address is refused, even with the right token")
    func adminGuessing() async throws {
        try await TestApp.run(settings: ["BITAQA_RATE_LIMIT_AUTH_FAILURES": "3"]) { client, _ in
            for guess in 0..<3 {
                let wrong = try await client.execute(
                    uri: "/v1/orders/x", method: .get, headers: [.authorization: "Bearer guess-\(guess)-000000000000"])
                #expect(wrong.status == .unauthorized)
            }
            let lockedOut = try await client.execute(uri: "/v1/orders/x", method: .get, headers: .admin())
            #expect(lockedOut.status == .tooManyRequests)
            #expect(try ErrorReply(lockedOut).error == "RATE_LIMITED")
        }
    }

    @Test("others' bad customer tokens from the same address never refuse a valid token")
    func sharedAddress() async throws {
        let settings = CustomerAPITests.settings.merging(["BITAQA_RATE_LIMIT_AUTH_FAILURES": "2"]) { $1 }
        try await TestApp.run(settings: settings, seed: CustomerAPITests.seed) { client, _ in
            var statuses: [UInt] = []
            for _ in 0..<4 {
                statuses.append(
                    UInt(try await CustomerAPITests.get(client, "/api/internet-orders", token: "bad").status.code))
            }
            #expect(statuses == [401, 401, 429, 429], "\(statuses)")
            let valid = try await CustomerAPITests.get(
                client, "/api/internet-orders", token: try await Tokens.hs256(Tokens.claims("alice")))
            #expect(valid.status == .ok, "a customer behind the same NAT is not locked out")
        }
    }
}
