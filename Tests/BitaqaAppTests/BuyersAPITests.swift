import BitaqaTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// `GET` and `DELETE /v1/buyers/{userId}` over HTTP: one buyer's data, erased on request, audited masked.
@Suite("Merchant API: a buyer's personal data")
struct BuyersAPITests {
    static let email = "Buyer.Canary-31@Shop.dz"

    @Test(
        "export names one buyer's orders and contacts (nulls kept); erasure nulls them, audits masked, refuses a resend",
        arguments: TestDatabase.available)
    func exportAndErase(database: TestDatabase) async throws {
        try await TestApp.run(on: database) { client, _ in
            for (id, user, body) in [
                ("bx-1", "buyer-x", #""email":"\#(Self.email)","phone":"0551 00 00 31""#),
                ("bx-2", "buyer-x", #""email":"\#(Self.email)""#),
                ("by-1", "buyer-y", #""email":"other@shop.dz""#),
            ] {
                let registered = try await client.execute(
                    uri: "/v1/orders", method: .post, headers: .admin(),
                    body: ByteBuffer(string: #"{"topupId":"\#(id)","userId":"\#(user)",\#(body)}"#))
                #expect(registered.status == .created, "\(String(buffer: registered.body))")
            }
            let exported = try await client.execute(
                uri: "/v1/buyers/buyer-x", method: .get, headers: .admin(json: false))
            #expect(exported.status == .ok)
            let buyer = try #require(exported.json?["buyer"] as? [String: Any])
            let orders = try #require(buyer["orders"] as? [[String: Any]])
            #expect(Set(orders.compactMap { $0["id"] as? String }) == ["bx-1", "bx-2"])
            let second = try #require(orders.first { $0["id"] as? String == "bx-2" })
            #expect(
                second["email"] as? String == Self.email && second["phone"] is NSNull, "absent is null, not missing")
            #expect(orders.first { $0["id"] as? String == "bx-1" }?["phone"] as? String == "+213551000031")
            #expect(!String(buffer: exported.body).contains("other@shop.dz"))

            let nobody = try await client.execute(uri: "/v1/buyers/nobody", method: .get, headers: .admin(json: false))
            #expect(
                nobody.status == .ok
                    && ((nobody.json?["buyer"] as? [String: Any])?["orders"] as? [Any])?.isEmpty == true)
            let bad = try await client.execute(
                uri: "/v1/buyers/\(String(repeating: "u", count: 129))", method: .get, headers: .admin(json: false))
            #expect(bad.status == .badRequest)

            let erased = try await client.execute(
                uri: "/v1/buyers/buyer-x", method: .delete, headers: .admin(json: false))
            #expect(erased.status == .ok)
            let erasure = try #require(erased.json?["erasure"] as? [String: Any])
            #expect(erasure["orders"] as? Int == 2 && erasure["erased"] as? Int == 2)
            #expect(erasure["emails"] as? Int == 2 && erasure["phones"] as? Int == 1)
            let order = try await client.execute(uri: "/v1/orders/bx-1", method: .get, headers: .admin(json: false))
            let erasedOrder = order.json
            #expect(erasedOrder?["email"] is NSNull && erasedOrder?["phone"] is NSNull)
            let other = try await client.execute(uri: "/v1/orders/by-1", method: .get, headers: .admin(json: false))
            #expect(other.json?["email"] as? String == "other@shop.dz")
            var search = try await client.execute(
                uri: "/v1/orders?q=buyer.canary-31@shop.dz", method: .get, headers: .admin(json: false))
            #expect((search.json?["orders"] as? [Any])?.isEmpty == true, "the index entry went too")
            search = try await client.execute(
                uri: "/v1/orders?q=other@SHOP.dz", method: .get, headers: .admin(json: false))
            #expect((search.json?["orders"] as? [[String: Any]])?.first?["topupId"] as? String == "by-1")

            let audit = try await client.execute(
                uri: "/v1/audit?order=bx-1", method: .get, headers: .admin(json: false))
            let events = audit.json?["events"] as? [[String: Any]] ?? []
            let event = try #require(events.first { $0["kind"] as? String == "CONTACTS_ERASED" })
            let details = event["details"] as? [String: String] ?? [:]
            #expect(details["reason"] == "request" && details["email"] == "B***1@Shop.dz")
            #expect(details["phone"] == "+21355*****31")
            #expect(!String(buffer: audit.body).contains("Canary-31"), "the trail holds the email masked only")

            let again = try await client.execute(
                uri: "/v1/buyers/buyer-x", method: .delete, headers: .admin(json: false))
            #expect((again.json?["erasure"] as? [String: Any])?["erased"] as? Int == 0)
        }
    }
}
