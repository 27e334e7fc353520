import BitaqaCore
import BitaqaTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Orders
import Storage
import Testing

@Suite("Merchant API: the order list")
struct OrderListTests {
    /// 30 orders a second apart: every third REFUNDED, every fifth with a failed card email, one phone.
    static func seed(_ store: Store) async throws {
        let orders = SQLOrderRepository(store: store)
        let pipeline = SQLPipelineRepository(store: store)
        for index in 0..<30 {
            let id = TopupID(String(format: "list-%02d", index))!
            _ = try await orders.register(
                NewOrder(
                    topupId: id, topupRef: "ref-\(index)", userId: UserID(index % 2 == 0 ? "even" : "odd")!,
                    number: String(format: "0360000%02d", index), email: "buyer\(index)@shop.dz",
                    phone: index == 7 ? "+213551234567" : nil, locale: .fr, channels: [.email],
                    fingerprint: id.rawValue),
                now: 1_800_000_000_000 + Int64(index) * 1_000, firstCheckAt: 1_900_000_000_000)
            if index % 3 == 0 {
                try await store.sql.raw("UPDATE orders SET status = 'REFUNDED' WHERE topup_id = \(bind: id.rawValue)")
                    .run()
            }
            if index % 5 == 0 {
                try await store.transaction { transaction in
                    _ = try await pipeline.insertDeliveries(
                        id, channels: [.email], purpose: .card, now: 1, in: transaction)
                }
                try await store.sql.raw(
                    "UPDATE deliveries SET state = 'failed' WHERE topup_id = \(bind: id.rawValue)"
                ).run()
            }
        }
    }

    static func list(_ client: any TestClientProtocol, _ query: String) async throws -> (TestResponse, [String]) {
        let response = try await client.execute(uri: "/v1/orders?" + query, method: .get, headers: .admin(json: false))
        let ids = (response.json?["orders"] as? [[String: Any]])?.compactMap { $0["topupId"] as? String } ?? []
        return (response, ids)
    }

    @Test(
        "filters, search by any contact, newest first, cursor pages without gaps or repeats; bad parameters are 400",
        arguments: TestDatabase.available)
    func list(database: TestDatabase) async throws {
        try await TestApp.run(on: database, seed: Self.seed) { client, _ in
            let (first, newest) = try await Self.list(client, "limit=4")
            #expect(first.status == .ok)
            #expect(newest == ["list-29", "list-28", "list-27", "list-26"])
            var seen = newest
            var cursor = first.json?["nextCursor"] as? String
            // Bounded: a cursor that loops would fail the comparison below, not hang.
            while let next = cursor, seen.count <= 30 {
                let (page, ids) = try await Self.list(client, "limit=4&cursor=\(next)")
                seen += ids
                cursor = page.json?["nextCursor"] as? String
            }
            #expect(seen == (0..<30).reversed().map { String(format: "list-%02d", $0) })
            #expect(try await Self.list(client, "status=REFUNDED").1.count == 10)
            #expect(
                try await Self.list(client, "delivery=failed").1 == [
                    "list-25", "list-20", "list-15", "list-10", "list-05", "list-00",
                ])
            #expect(try await Self.list(client, "delivery=failed&status=REFUNDED").1 == ["list-15", "list-00"])
            #expect(try await Self.list(client, "userId=odd&limit=200").1.count == 15)
            for q in ["0551234567", "%2B213551234567", "buyer7%40shop.dz", "ref-7", "036000007", "list-07"] {
                #expect(try await Self.list(client, "q=\(q)").1 == ["list-07"], "\(q)")
            }
            let window = try await Self.list(client, "from=2027-01-15T08:00:05Z&to=2027-01-15T08:00:07Z").1
            #expect(window == ["list-07", "list-06", "list-05"], "\(window)")
            let order = try #require(
                (try await Self.list(client, "q=list-05").0.json?["orders"] as? [[String: Any]])?.first)
            #expect((order["deliveries"] as? [[String: Any]])?.first?["state"] as? String == "failed")
            #expect(order["cardCode"] == nil)
            for bad in [
                "status=LOST", "delivery=sending", "limit=0", "limit=500", "cursor=bm9wZQ", "from=yesterday",
                "userId=a%20b",
            ] {
                #expect(try await Self.list(client, bad).0.status == .badRequest, "\(bad)")
            }
            #expect(try await client.execute(uri: "/v1/orders", method: .get).status == .unauthorized)
        }
    }
}
