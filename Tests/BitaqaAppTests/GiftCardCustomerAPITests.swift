import BitaqaCore
import BitaqaTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SQLKit
import Storage
import Testing

@Suite("Customer API for gift-card orders")
struct GiftCardCustomerAPITests {
    typealias Seed = GiftCardCustomerSeed

    static func get(_ client: some TestClientProtocol, _ path: String, user: String = "alice") async throws
        -> TestResponse
    {
        try await CustomerAPITests.get(client, path, token: try await Tokens.hs256(Tokens.claims(user)), agent: "App/2")
    }

    static func events(_ client: some TestClientProtocol, of ref: String) async throws -> [[String: Any]] {
        let audit = try await client.execute(
            uri: "/v1/audit?order=gc:\(ref)", method: .get, headers: .admin(json: false))
        return audit.json?["events"] as? [[String: Any]] ?? []
    }

    @Test(
        "the owner gets every code and serial, no-store, after a CARD_VIEWED without a code",
        arguments: TestDatabase.available)
    func owner(database: TestDatabase) async throws {
        try await TestApp.run(on: database, settings: CustomerAPITests.settings, seed: Seed.seed) { client, _ in
            #expect(try await Self.events(client, of: "shop-1").allSatisfy { $0["kind"] as? String != "CARD_VIEWED" })
            let response = try await Self.get(client, "/api/gift-card-orders/shop-1/cards")
            #expect(response.status == .ok)
            #expect(response.headers[.cacheControl] == "no-store")
            #expect(response.headers[HTTPField.Name("Pragma")!] == "no-cache")
            let body = try #require(response.json)
            #expect(body["ref"] as? String == "shop-1" && body["status"] as? String == "FULFILLED")
            #expect(
                body["productTitle"] as? String == Seed.productTitle && body["typeName"] as? String == Seed.typeName)
            #expect(body["quantity"] as? Int == 3 && body["fulfilledQuantity"] as? Int == 3)
            let cards = try #require(body["cards"] as? [[String: Any]])
            #expect(cards.compactMap { $0["code"] as? String } == (1...3).map { Seed.code("shop-1", $0) })
            #expect(cards.compactMap { $0["serial"] as? String } == (1...3).map { Seed.serial("shop-1", $0) })
            #expect(
                body["instructions"] as? [String]
                    == GiftCardRedemption.steps(productId: Seed.productId, title: Seed.productTitle, locale: .en))
            let events = try await Self.events(client, of: "shop-1")
            let viewed = try #require(events.first { $0["kind"] as? String == "CARD_VIEWED" })
            #expect(viewed["actor"] as? String == "alice")
            let details = viewed["details"] as? [String: String] ?? [:]
            #expect(details["product"] == "gift-card" && details["cards"] == "3" && details["channel"] == "in-app")
            #expect(details["user_agent"] == "App/2")
            let trail = "\(events)"
            #expect(Seed.canaries.values.allSatisfy { !trail.contains($0) })
        }
    }

    @Test("the list and one order: the buyer's own, newest first, never a code")
    func listAndShow() async throws {
        try await TestApp.run(settings: CustomerAPITests.settings, seed: Seed.seed) { client, _ in
            _ = try await Self.get(client, "/api/gift-card-orders/shop-1/cards")
            let list = try await Self.get(client, "/api/gift-card-orders")
            #expect(list.status == .ok)
            let orders = try #require(list.json?["orders"] as? [[String: Any]])
            let refs = orders.compactMap { $0["ref"] as? String }
            #expect(refs == Seed.orders.filter { $0.user == "alice" }.map(\.ref).reversed())
            #expect(
                Set(orders.flatMap(\.keys)) == [
                    "ref", "productTitle", "typeName", "quantity", "fulfilledQuantity", "status", "createdAt",
                ])
            let waiting = try #require(orders.first { $0["ref"] as? String == "shop-wait" })
            #expect(waiting["fulfilledQuantity"] is NSNull && waiting["status"] as? String == "HANDLING")
            let one = try await Self.get(client, "/api/gift-card-orders/shop-part")
            #expect(one.json?["status"] as? String == "PARTIALLY_FILLED" && one.json?["fulfilledQuantity"] as? Int == 2)
            for text in [String(buffer: list.body), String(buffer: one.body)] {
                #expect(Seed.canaries.values.allSatisfy { !text.contains($0) } && !text.contains("code"))
            }
            // The top-up list does not show gift-card orders, and the top-up routes do not serve them.
            let internet = try await Self.get(client, "/api/internet-orders")
            #expect((internet.json?["orders"] as? [[String: Any]])?.isEmpty == true)
        }
    }

    @Test("another buyer's order and an unknown ref are the same 404, the former audited as a denial")
    func notYours() async throws {
        let settings = CustomerAPITests.settings.merging(["BITAQA_AUDIT_DENIAL_WINDOW": "1"]) { $1 }
        try await TestApp.run(settings: settings, seed: Seed.seed) { client, _ in
            for suffix in ["", "/cards"] {
                let theirs = try await Self.get(client, "/api/gift-card-orders/shop-bob" + suffix)
                let missing = try await Self.get(client, "/api/gift-card-orders/shop-none" + suffix)
                let topup = try await Self.get(client, "/api/internet-orders/gc:shop-1" + suffix.dropLast())
                for response in [theirs, missing, topup] {
                    #expect(response.status == .notFound)
                    #expect(Array(response.body.readableBytesView) == Array(missing.body.readableBytesView))
                    var headers = response.headers
                    headers[HTTPField.Name("X-Request-Id")!] = nil
                    var expected = missing.headers
                    expected[HTTPField.Name("X-Request-Id")!] = nil
                    #expect(headers == expected)
                }
                #expect(try ErrorReply(theirs).error == "ORDER_NOT_FOUND")
            }
            var denials: [[String: Any]] = []
            for _ in 0..<50 where denials.isEmpty {
                try await Task.sleep(for: .milliseconds(100))
                let events = try await Self.events(client, of: "shop-bob")
                #expect(!events.contains { $0["kind"] as? String == "CARD_VIEWED" })
                denials = events.filter { $0["kind"] as? String == "ACCESS_DENIED" }
            }
            #expect(denials.count == 1)
            #expect(denials.first?["actor"] as? String == "alice")
            #expect((denials.first?["details"] as? [String: String])?["count"] == "2")
        }
    }

    @Test(
        "no cards yet or ever: ORDER_NOT_READY, waiting or contact the shop",
        arguments: [("shop-wait", "HANDLING", "wait"), ("shop-refund", "REFUNDED", "contacter la boutique")])
    func notReady(ref: String, status: String, says: String) async throws {
        try await TestApp.run(settings: CustomerAPITests.settings, seed: Seed.seed) { client, _ in
            let response = try await Self.get(client, "/api/gift-card-orders/\(ref)/cards")
            #expect(response.status == .badRequest)
            let reply = try ErrorReply(response)
            #expect(reply.error == "ORDER_NOT_READY" && reply.message.hasPrefix(status) && reply.message.contains(says))
        }
    }

    @Test("a partial fill returns the cards that came, a missing serial as null")
    func partial() async throws {
        try await TestApp.run(settings: CustomerAPITests.settings, seed: Seed.seed) { client, _ in
            let response = try await Self.get(client, "/api/gift-card-orders/shop-part/cards")
            #expect(response.status == .ok)
            let body = try #require(response.json)
            #expect(body["status"] as? String == "PARTIALLY_FILLED" && body["fulfilledQuantity"] as? Int == 2)
            let cards = try #require(body["cards"] as? [[String: Any]])
            #expect(
                cards.compactMap { $0["code"] as? String } == [Seed.code("shop-part", 1), Seed.code("shop-part", 2)])
            #expect(cards.first?["serial"] as? String == Seed.serial("shop-part", 1))
            #expect(cards.last?["serial"] is NSNull)
        }
    }

    @Test("no token: the same 401 as the top-up routes")
    func unauthenticated() async throws {
        try await TestApp.run(settings: CustomerAPITests.settings, seed: Seed.seed) { client, _ in
            let response = try await CustomerAPITests.get(client, "/api/gift-card-orders/shop-1/cards", token: nil)
            #expect(response.status == .unauthorized)
            #expect(try ErrorReply(response).error == "UNAUTHORIZED")
        }
    }

    @Test("when the audit write fails no code is shown", arguments: [TestDatabase.sqlite])
    func auditFailureWithholdsCards(database: TestDatabase) async throws {
        let seed: @Sendable (Store) async throws -> Void = { store in
            try await Seed.seed(store)
            try await store.sql.raw(
                "CREATE TRIGGER audit_broken BEFORE INSERT ON audit_events BEGIN SELECT RAISE(ABORT, 'disk full'); END"
            ).run()
        }
        try await TestApp.run(on: database, settings: CustomerAPITests.settings, seed: seed) { client, _ in
            let response = try await Self.get(client, "/api/gift-card-orders/shop-1/cards")
            #expect(response.status == .internalServerError)
            let text = String(buffer: response.body)
            #expect(Seed.canaries.values.allSatisfy { !text.contains($0) })
        }
    }
}
