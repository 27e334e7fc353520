import BitaqaTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The numbers of the business and the CSV exports agree with the orders they come from.
@Suite("Merchant API: stats, CSV exports, search")
struct ExportsTests {
    /// Places four orders (three fulfilled and delivered, one refunded), then reads them back.
    @Test(
        "stats and orders.csv agree with the order list; search by transaction number, user id, email in any case, phone in any spelling; type and value filters",
        arguments: TestDatabase.available)
    func agree(database: TestDatabase) async throws {
        try await TestApp.run(on: database, settings: MerchantSendTests.fast) { client, _ in
            var ids: [String] = []
            for (index, body) in [
                #"{"type":"ADSL","number":"036362608","value":500,"userId":"u-a","email":"Buyer.One@Shop.dz","phone":"0551234567"}"#,
                #"{"type":"ADSL","number":"036362609","value":1000,"userId":"u-b","email":"two@shop.dz"}"#,
                #"{"type":"4G","number":"213665983439","value":1000,"userId":"=SUM(1+1)","email":"three@shop.dz"}"#,
                #"{"type":"ADSL","number":"021000001","value":2000,"userId":"u-d","email":"refund@shop.dz"}"#,
            ].enumerated() {
                let sent = try await MerchantSendTests.send(
                    client, body.replacingOccurrences(of: "}", with: #","ref":"ex-\#(index)"}"#))
                #expect(sent.status == .created, "\(String(buffer: sent.body))")
                ids.append(try #require(sent.json?["topupId"] as? String))
            }
            for id in ids.prefix(3) { #expect(!(try await MerchantSendTests.waitDelivered(client, id)).isEmpty) }
            var refunded = false
            for _ in 0..<300 where !refunded {
                let order = try await client.execute(
                    uri: "/v1/orders/\(ids[3])", method: .get, headers: .admin(json: false))
                refunded = order.json?["status"] as? String == "REFUNDED"
                if !refunded { try await Task.sleep(for: .milliseconds(30)) }
            }
            #expect(refunded)

            // Stats: four orders today, three delivered, one failed (refunded), 2500 DZD of cards bought.
            let stats = try await client.execute(uri: "/v1/stats", method: .get, headers: .admin(json: false))
            #expect(stats.status == .ok)
            let totals = try #require(stats.json?["totals"] as? [String: Any])
            #expect(totals["orders"] as? Int == 4 && totals["delivered"] as? Int == 3 && totals["failed"] as? Int == 1)
            #expect(totals["faceValue"] as? Int == 2_500 && totals["cost"] is NSNull && totals["date"] is NSNull)
            let days = try #require(stats.json?["days"] as? [[String: Any]])
            #expect(days.map { $0["orders"] as? Int ?? 0 }.reduce(0, +) == 4)
            #expect(
                try await client.execute(uri: "/v1/stats?from=yesterday", method: .get, headers: .admin(json: false))
                    .status == .badRequest)

            // orders.csv: a header and one line per order of the list, a formula defused, no card code.
            let csv = try await client.execute(uri: "/v1/orders.csv", method: .get, headers: .admin(json: false))
            #expect(csv.status == .ok && csv.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(csv.headers[.cacheControl] == "no-store")
            let lines = String(buffer: csv.body).split(separator: "\r\n")
            #expect(lines.first?.hasPrefix("topupId,topupRef,userId,type,number,value,status") == true)
            #expect(lines.count == 5)
            #expect(Set(ids).allSatisfy { id in lines.contains { $0.hasPrefix(id + ",") } })
            #expect(lines.contains { $0.contains(",'=SUM(1+1),") }, "a formula is defused: \(lines)")
            #expect(lines.contains { $0.contains(",+213551234567,") }, "a phone stays a value")
            #expect(!String(buffer: csv.body).contains("cardCode"))
            let filtered = try await client.execute(
                uri: "/v1/orders.csv?status=REFUNDED", method: .get, headers: .admin(json: false))
            #expect(String(buffer: filtered.body).split(separator: "\r\n").count == 2)

            // Search: what a buyer quotes on the phone finds the order.
            func found(_ query: String) async throws -> [String] {
                let list = try await client.execute(
                    uri: "/v1/orders?\(query)", method: .get, headers: .admin(json: false))
                #expect(list.status == .ok, "\(query)")
                return (list.json?["orders"] as? [[String: Any]] ?? []).compactMap { $0["topupId"] as? String }
            }
            let first = try await client.execute(
                uri: "/v1/orders/\(ids[0])", method: .get, headers: .admin(json: false))
            let transaction = try #require(first.json?["transactionNumber"] as? String)
            #expect(try await found("q=\(transaction)") == [ids[0]])
            #expect(try await found("q=u-b") == [ids[1]])
            #expect(try await found("q=buyer.one%40shop.DZ") == [ids[0]])
            for phone in ["0551234567", "%2B213551234567", "00213551234567"] {
                #expect(try await found("q=\(phone)") == [ids[0]], "\(phone)")
            }
            #expect(Set(try await found("type=ADSL&value=1000")) == [ids[1]])
            #expect(Set(try await found("value=1000")) == [ids[1], ids[2]])
            #expect(
                try await client.execute(uri: "/v1/orders?type=5G", method: .get, headers: .admin(json: false)).status
                    == .badRequest)
        }
    }
}
