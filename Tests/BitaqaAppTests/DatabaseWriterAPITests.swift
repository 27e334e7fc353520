import BitaqaCore
import BitaqaTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Orders
import Storage
import Testing

/// Rows a database writer without the key changes, read back through the customer API: a card never
/// reaches a buyer it was not sold to.
@Suite("A database writer against the customer API")
struct DatabaseWriterAPITests {
    @Test(
        "an order given to another user, or another order's sealed card copied onto it, is never shown",
        arguments: TestDatabase.available)
    func reassigned(database: TestDatabase) async throws {
        let seed: @Sendable (Store) async throws -> Void = { store in
            try await CustomerAPITests.seed(store)
            // Bob's card given to Mallory by rewriting the owner; Alice's sealed card copied onto Bob's order.
            try await store.sql.raw(
                "INSERT INTO orders (topup_id, user_id, locale, channels, fingerprint, status, created_at, updated_at) VALUES ('m-full', 'mallory', 'en', '', 'm', 'FULFILLED', 1, 1)"
            ).run()
            try await store.sql.raw(
                "UPDATE orders SET sealed_card = (SELECT sealed_card FROM orders WHERE topup_id = 'b-full'), card_key_id = (SELECT card_key_id FROM orders WHERE topup_id = 'b-full') WHERE topup_id = 'm-full'"
            ).run()
            try await store.sql.raw("UPDATE orders SET user_id = 'mallory' WHERE topup_id = 'b-full'").run()
        }
        try await TestApp.run(on: database, settings: CustomerAPITests.settings, seed: seed) { client, _ in
            let mallory = try await Tokens.hs256(Tokens.claims("mallory"))
            var bodies: [String] = []
            for id in ["b-full", "m-full"] {
                let response = try await CustomerAPITests.get(client, "/api/internet-orders/\(id)/card", token: mallory)
                #expect(response.status == .internalServerError, "\(id): \(response.status)")
                #expect(try ErrorReply(response).error == "CARD_UNREADABLE")
                bodies.append(String(buffer: response.body))
            }
            #expect(bodies.allSatisfy { !$0.contains("55566677788") }, "a card code reached Mallory")
            let bob = try await Tokens.hs256(Tokens.claims("bob"))
            #expect(
                try await CustomerAPITests.get(client, "/api/internet-orders/b-full/card", token: bob).status
                    == .notFound)
        }
    }
}
