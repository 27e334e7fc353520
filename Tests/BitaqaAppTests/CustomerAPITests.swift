import Audit
import BitaqaCore
import BitaqaTestSupport
import CardVault
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTKit
import Orders
import SQLKit
import Storage
import Testing

/// Claims as a token issuer would write them; absent ones are left out of the JSON.
struct TestClaims: JWTPayload {
    var sub: SubjectClaim
    var exp: ExpirationClaim?
    var nbf: NotBeforeClaim?
    var iat: IssuedAtClaim?
    var iss: IssuerClaim?
    var aud: AudienceClaim?

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

enum Tokens {
    static let secret = String(repeating: "s", count: 40)

    static func hs256(_ claims: TestClaims, secret: String = Tokens.secret) async throws -> String {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        return try await keys.sign(claims)
    }

    static func claims(_ user: String, expiresIn: TimeInterval = 300) -> TestClaims {
        TestClaims(sub: .init(value: user), exp: .init(value: Date().addingTimeInterval(expiresIn)))
    }

    /// An HS256 token with exactly this header and payload JSON, signed with the secret.
    static func handSigned(header: String, payload: String, secret: String = Tokens.secret) -> String {
        let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(payload.utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: Array(input.utf8), using: SymmetricKey(data: Array(secret.utf8)))
        return input + "." + Base64URL.encode(Array(mac))
    }

    static func unsigned(_ payload: String) -> String {
        func b64(_ text: String) -> String { Base64URL.encode(Array(text.utf8)) }
        return b64(#"{"alg":"none","typ":"JWT"}"#) + "." + b64(payload) + "."
    }
}

@Suite("Customer API")
struct CustomerAPITests {
    static let settings = ["BITAQA_JWT_SECRET": Tokens.secret, "BITAQA_LOG_LEVEL": "critical"]
    static let key = SecretBytes(hex: String(repeating: "1f", count: 32), byteCount: 32)!

    /// Alice's fulfilled, handling, queued and refunded orders, and Bob's fulfilled one.
    static func seed(_ store: Store) async throws {
        let vault = CardVault(keyRing: try KeyRing(keys: [key]))
        let orders = SQLOrderRepository(store: store)
        for (id, user, status) in [
            ("a-full", "alice", "FULFILLED"), ("a-wait", "alice", "HANDLING"), ("a-queue", "alice", "QUEUED"),
            ("a-refund", "alice", "REFUNDED"), ("b-full", "bob", "FULFILLED"),
        ] {
            let topup = TopupID(id)!
            _ = try await orders.register(
                NewOrder(
                    topupId: topup, userId: UserID(user)!, cardType: .fourG, number: "213665983439", value: 1000,
                    locale: .en, channels: [], fingerprint: id),
                now: 1, firstCheckAt: 1
            )
            if status == "FULFILLED" {
                try await CardStoring.store(
                    CardCode("55566677788\(id.count)"), for: topup, transactionNumber: "AT-9",
                    processedDate: "2025-10-29T01:05:30.000Z",
                    vault: vault, in: store
                )
            } else {
                try await store.sql.raw(
                    "UPDATE orders SET status = \(bind: status), next_check_at = NULL WHERE topup_id = \(bind: id)"
                ).run()
            }
        }
    }

    static func get(_ client: some TestClientProtocol, _ path: String, token: String?, agent: String = "test-agent")
        async throws -> TestResponse
    {
        var headers: HTTPFields = [.userAgent: agent]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await client.execute(uri: path, method: .get, headers: headers)
    }

    @Test(
        "the owner reads the card with the instructions, no-store headers and a CARD_VIEWED event",
        arguments: TestDatabase.available)
    func reveal(database: TestDatabase) async throws {
        try await TestApp.run(on: database, settings: Self.settings, seed: Self.seed) { client, _ in
            let token = try await Tokens.hs256(Tokens.claims("alice"))
            let response = try await Self.get(
                client, "/api/internet-orders/a-full/card", token: token, agent: "AliceApp/1.0")
            #expect(response.status == .ok)
            let body = try #require(response.json)
            #expect(body["cardCode"] as? String == "555666777886")
            #expect(body["transactionNumber"] as? String == "AT-9")
            #expect(
                body["type"] as? String == "4G" && body["value"] as? Int == 1000
                    && body["number"] as? String == "213665983439")
            #expect((body["instructions"] as? [String]) == UsageInstructions.steps(for: .fourG, locale: .en))
            #expect(response.headers[.cacheControl] == "no-store")
            #expect(response.headers[HTTPField.Name("Pragma")!] == "no-cache")
            #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
            let audit = try await client.execute(
                uri: "/v1/audit?order=a-full", method: .get, headers: .admin(json: false))
            let events = audit.json?["events"] as? [[String: Any]] ?? []
            let viewed = try #require(events.first { $0["kind"] as? String == "CARD_VIEWED" })
            #expect(viewed["actor"] as? String == "alice")
            let details = viewed["details"] as? [String: String]
            #expect(
                details?["channel"] == "in-app" && details?["user_agent"] == "AliceApp/1.0" && details?["client"] != nil
            )
            #expect(!"\(events)".contains("555666777886"))

            let metrics = String(
                buffer: try await client.execute(uri: "/metrics", method: .get, headers: .admin(json: false)).body)
            #expect(metrics.contains(#"bitaqa_reveals_total{channel="in-app"}"#))
            let list = try await Self.get(client, "/api/internet-orders", token: token)
            let orders = list.json?["orders"] as? [[String: Any]] ?? []
            #expect(Set(orders.compactMap { $0["topupId"] as? String }) == ["a-full", "a-wait", "a-queue", "a-refund"])
            #expect(!String(buffer: list.body).contains("cardCode"))
            let one = try await Self.get(client, "/api/internet-orders/a-wait", token: token)
            #expect(one.json?["status"] as? String == "HANDLING")
        }
    }

    @Test("another's order and a missing one get byte-identical 404s; the former is audited, probes collapsed")
    func notYours() async throws {
        let settings = Self.settings.merging(["BITAQA_AUDIT_DENIAL_WINDOW": "0.2"]) { $1 }
        try await TestApp.run(settings: settings, seed: Self.seed) { client, _ in
            let token = try await Tokens.hs256(Tokens.claims("alice"))
            for _ in 0..<4 { _ = try await Self.get(client, "/api/internet-orders/b-full", token: token) }
            let theirs = try await Self.get(client, "/api/internet-orders/b-full/card", token: token)
            let missing = try await Self.get(client, "/api/internet-orders/zz-none/card", token: token)
            #expect(theirs.status == .notFound && missing.status == .notFound)
            #expect(String(buffer: theirs.body) == String(buffer: missing.body))
            #expect(try ErrorReply(theirs).error == "ORDER_NOT_FOUND")
            // Written off the response path when the window closes: one event for five probes.
            var denials: [[String: Any]] = []
            for _ in 0..<50 where denials.isEmpty {
                try await Task.sleep(for: .milliseconds(100))
                let audit = try await client.execute(
                    uri: "/v1/audit?order=b-full", method: .get, headers: .admin(json: false))
                let events = audit.json?["events"] as? [[String: Any]] ?? []
                #expect(!events.contains { $0["kind"] as? String == "CARD_VIEWED" })
                denials = events.filter { $0["kind"] as? String == "ACCESS_DENIED" }
            }
            #expect(denials.count == 1)
            #expect((denials.first?["details"] as? [String: String])?["count"] == "5")
        }
    }

    @Test(
        "not ready: HANDLING and QUEUED say wait, REFUNDED says failed and refunded",
        arguments: [
            ("a-wait", "HANDLING"), ("a-queue", "QUEUED"), ("a-refund", "REFUNDED"),
        ])
    func notReady(id: String, status: String) async throws {
        try await TestApp.run(settings: Self.settings, seed: Self.seed) { client, _ in
            let response = try await Self.get(
                client, "/api/internet-orders/\(id)/card", token: try await Tokens.hs256(Tokens.claims("alice")))
            #expect(response.status == .badRequest)
            let reply = try ErrorReply(response)
            #expect(reply.error == "ORDER_NOT_READY" && reply.message.hasPrefix(status))
        }
    }

    @Test("every bad token is the same 401")
    func badTokens() async throws {
        try await TestApp.run(
            settings: Self.settings.merging(["BITAQA_JWT_ISSUER": "shop", "BITAQA_JWT_AUDIENCE": "bitaqa"]) { $1 },
            seed: Self.seed
        ) { client, _ in
            var good = Tokens.claims("alice")
            good.iss = "shop"
            good.aud = "bitaqa"
            #expect(
                try await Self.get(client, "/api/internet-orders/a-full/card", token: try await Tokens.hs256(good))
                    .status == .ok)
            var expired = good
            expired.exp = .init(value: Date().addingTimeInterval(-600))
            var noExp = good
            noExp.exp = nil
            var future = good
            future.nbf = .init(value: Date().addingTimeInterval(600))
            var wrongIssuer = good
            wrongIssuer.iss = "other"
            var wrongAudience = good
            wrongAudience.aud = "other"
            // Longer-lived than BITAQA_JWT_MAX_LIFETIME (default 24 h): from `iat`, or from now without one.
            var longLived = good
            longLived.exp = .init(value: Date().addingTimeInterval(2 * 86_400))
            var longFromIssue = good
            longFromIssue.iat = .init(value: Date().addingTimeInterval(-3_600))
            longFromIssue.exp = .init(value: Date().addingTimeInterval(86_400 - 600))
            // Issued "in the future", so that exp - iat stays under the limit while exp is days away.
            var futureIssue = good
            futureIssue.iat = .init(value: Date().addingTimeInterval(6 * 86_400))
            futureIssue.exp = .init(value: Date().addingTimeInterval(6 * 86_400 + 3_600))
            let now = Int(Date().timeIntervalSince1970)
            let payload = #"{"sub":"alice","exp":\#(now + 300),"iss":"shop","aud":"bitaqa"}"#
            // Validly signed, but it demands an extension we do not implement (RFC 7515 §4.1.11).
            let critical = Tokens.handSigned(
                header: #"{"alg":"HS256","typ":"JWT","crit":["x-bind"],"x-bind":1}"#, payload: payload)
            #expect(
                try await Self.get(
                    client, "/api/internet-orders/a-full/card",
                    token: Tokens.handSigned(header: #"{"alg":"HS256","typ":"JWT"}"#, payload: payload)
                ).status == .ok, "the hand-signed token is valid without crit")
            let bad: [String?] = [
                nil, "garbage", try await Tokens.hs256(good, secret: String(repeating: "x", count: 40)),
                Tokens.unsigned(
                    #"{"sub":"alice","exp":\#(Int(Date().timeIntervalSince1970) + 300),"iss":"shop","aud":"bitaqa"}"#),
                try await Tokens.hs256(expired), try await Tokens.hs256(noExp), try await Tokens.hs256(future),
                try await Tokens.hs256(wrongIssuer), try await Tokens.hs256(wrongAudience),
                try await Tokens.hs256(longLived), try await Tokens.hs256(longFromIssue),
                try await Tokens.hs256(futureIssue), critical,
            ]
            var bodies = Set<String>()
            for token in bad {
                let response = try await Self.get(client, "/api/internet-orders/a-full/card", token: token)
                #expect(response.status == .unauthorized, "accepted: \(token ?? "none")")
                bodies.insert(String(buffer: response.body))
            }
            #expect(bodies.count == 1, "a refusal told which check failed")
        }
    }

    @Test("an ES256 deployment refuses HS256 tokens made with its public key (algorithm confusion)")
    func algorithmConfusion() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let privateKey = ES256PrivateKey()
        let pem = privateKey.publicKey.pemRepresentation
        try pem.write(toFile: directory.path + "/jwt.pem", atomically: true, encoding: .utf8)
        try await TestApp.run(
            settings: ["BITAQA_JWT_PUBLIC_KEY_FILE": directory.path + "/jwt.pem", "BITAQA_LOG_LEVEL": "critical"],
            seed: Self.seed
        ) { client, _ in
            let keys = JWTKeyCollection()
            await keys.add(ecdsa: privateKey)
            let valid = try await keys.sign(Tokens.claims("alice"))
            #expect(try await Self.get(client, "/api/internet-orders/a-full/card", token: valid).status == .ok)
            let confused = try await Tokens.hs256(Tokens.claims("alice"), secret: pem)
            #expect(
                try await Self.get(client, "/api/internet-orders/a-full/card", token: confused).status == .unauthorized)
        }
    }

    @Test("an RS256 deployment accepts its own tokens and refuses HS256 ones made with its public key")
    func rs256() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = [
            "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", directory.path + "/rsa.pem",
        ]
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        defer { openssl.stop() }
        try #require(openssl.waitForExit(timeout: .seconds(60)), "openssl genpkey did not finish within 60 s")
        let privatePEM = try String(contentsOfFile: directory.path + "/rsa.pem", encoding: .utf8)
        let privateKey = try Insecure.RSA.PrivateKey(pem: privatePEM)
        let publicPEM = privateKey.publicKey.pemRepresentation
        try publicPEM.write(toFile: directory.path + "/rsa.pub.pem", atomically: true, encoding: .utf8)
        try await TestApp.run(
            settings: ["BITAQA_JWT_PUBLIC_KEY_FILE": directory.path + "/rsa.pub.pem", "BITAQA_LOG_LEVEL": "critical"],
            seed: Self.seed
        ) { client, _ in
            let keys = JWTKeyCollection()
            await keys.add(rsa: privateKey, digestAlgorithm: .sha256)
            let valid = try await keys.sign(Tokens.claims("alice"))
            #expect(try await Self.get(client, "/api/internet-orders/a-full/card", token: valid).status == .ok)
            let confused = try await Tokens.hs256(Tokens.claims("alice"), secret: publicPEM)
            #expect(
                try await Self.get(client, "/api/internet-orders/a-full/card", token: confused).status == .unauthorized)
        }
    }

    @Test(
        "reveals per user and failed sign-ins per address are limited, with Retry-After, and the window slides",
        arguments: TestDatabase.available)
    func rateLimits(database: TestDatabase) async throws {
        let limits = Self.settings.merging([
            "BITAQA_RATE_LIMIT_REVEALS": "2", "BITAQA_RATE_LIMIT_AUTH_FAILURES": "3", "BITAQA_RATE_LIMIT_WINDOW": "1.5",
        ]) { $1 }
        try await TestApp.run(on: database, settings: limits, seed: Self.seed) { client, _ in
            let token = try await Tokens.hs256(Tokens.claims("alice"))
            #expect(try await Self.get(client, "/api/internet-orders/a-full/card", token: token).status == .ok)
            #expect(try await Self.get(client, "/api/internet-orders/a-full/card", token: token).status == .ok)
            let limited = try await Self.get(client, "/api/internet-orders/a-full/card", token: token)
            #expect(limited.status == .tooManyRequests)
            #expect(try ErrorReply(limited).error == "RATE_LIMITED")
            #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 >= 1)
            for _ in 0..<3 { _ = try await Self.get(client, "/api/internet-orders", token: "wrong") }
            let blocked = try await Self.get(client, "/api/internet-orders", token: "wrong")
            #expect(blocked.status == .tooManyRequests, "failed sign-ins from this address are refused for a while")
            #expect(Int(blocked.headers[.retryAfter] ?? "") ?? 0 >= 1)
            #expect(
                try await Self.get(client, "/api/internet-orders", token: token).status == .ok,
                "a valid token is never refused for others' failures")
            try await Task.sleep(for: .milliseconds(1_700))
            #expect(try await Self.get(client, "/api/internet-orders/a-full/card", token: token).status == .ok)
        }
    }

    @Test("when the audit write fails the card is not shown", arguments: [TestDatabase.sqlite])
    func auditFailureWithholdsCard(database: TestDatabase) async throws {
        let seed: @Sendable (Store) async throws -> Void = { store in
            try await Self.seed(store)
            try await store.sql.raw(
                "CREATE TRIGGER audit_broken BEFORE INSERT ON audit_events BEGIN SELECT RAISE(ABORT, 'disk full'); END"
            ).run()
        }
        try await TestApp.run(on: database, settings: Self.settings, seed: seed) { client, _ in
            let response = try await Self.get(
                client, "/api/internet-orders/a-full/card", token: try await Tokens.hs256(Tokens.claims("alice")))
            #expect(response.status == .internalServerError)
            #expect(!String(buffer: response.body).contains("555666777886"))
        }
    }
}
