import BitaqaCore
import BitaqaTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import OneClickDZSandbox
import Orders
import Testing

@testable import BitaqaHTTP

/// `GET /v1/reconciliation` and its CSV with gift cards, against a sandbox of the test's own: an order
/// placed around Bitaqa is `untracked` with `"product": "gift-card"` and its `orderId`, an order placed
/// through Bitaqa carries its `ref`, and no code or serial the sandbox issued is ever in either answer.
@Suite("Gift-card reconciliation API")
struct GiftCardReconciliationAPITests {
    static let key = "sandbox-key-gift-card-reconciliation"

    @Test("the JSON and the CSV carry product and orderId, never a code")
    func giftCards() async throws {
        let sandbox = SandboxServer(settings: .fast())
        try await sandbox.application(host: "127.0.0.1", port: 0, logger: TestDatabase.quietLogger).test(.live) {
            upstream in
            let settings = CustomerAPITests.settings.merging([
                "ONECLICKDZ_API_KEY": Self.key, "ONECLICKDZ_BASE_URL": "http://127.0.0.1:\(upstream.port!)",
                "BITAQA_RATE_LIMIT_ADDRESS": "0", "BITAQA_RATE_LIMIT_REVEALS": "0",
            ]) { $1 }
            try await TestApp.run(settings: settings) { client, _ in
                let token: HTTPFields = [HTTPField.Name("X-Access-Token")!: Self.key, .contentType: "application/json"]
                let placed = try await client.execute(
                    uri: "/v1/gift-card-orders", method: .post, headers: .admin(),
                    body: ByteBuffer(
                        string: #"{"productId": "psn-dz", "typeId": "psn-1000", "quantity": 2, "ref": "shop-r1", "#
                            + #""userId": "u-1", "email": "buyer@example.dz"}"#))
                #expect(placed.status == .created, "\(String(buffer: placed.body))")
                let around = try await upstream.execute(
                    uri: "/v3/gift-cards/placeOrder", method: .post, headers: token,
                    body: ByteBuffer(string: #"{"productId": "psn-dz", "typeId": "psn-1000", "quantity": 2}"#))
                let aroundId = try #require((around.json?["data"] as? [String: Any])?["orderId"] as? String)
                // Both resolve upstream, with their cards, before the app's first gift-card check.
                try await Task.sleep(for: .milliseconds(400))
                let issued = try await upstream.execute(uri: "/sandbox/gift-cards/cards", method: .get, headers: token)
                let codes = (issued.json?["data"] as? [String: Any])?["codes"] as? [String] ?? []
                #expect(codes.count == 8, "two orders of two cards, each a code and a serial")

                let reply = try await client.execute(
                    uri: "/v1/reconciliation", method: .get, headers: .admin(json: false))
                #expect(reply.status == .ok)
                let body = String(buffer: reply.body)
                let differences = try #require(reply.json?["differences"] as? [[String: Any]], "\(body)")
                let untracked = try #require(differences.first { $0["orderId"] as? String == aroundId }, "\(body)")
                #expect(untracked["kind"] as? String == "untracked" && untracked["product"] as? String == "gift-card")
                #expect(untracked["topupId"] as? String == aroundId && untracked["status"] as? String == "FULFILLED")
                #expect(untracked["ref"] == nil && untracked["localStatus"] == nil)
                for mine in differences where mine["orderId"] as? String != aroundId {
                    // The order placed through Bitaqa: its check is not due yet, so the upstream is ahead.
                    #expect(mine["product"] as? String == "gift-card" && mine["ref"] as? String == "shop-r1", "\(mine)")
                }
                #expect(reply.json?["giftCardUpstreamCount"] as? Int == 2, "\(body)")
                #expect(reply.json?["giftCardLocalCount"] as? Int == 1, "\(body)")
                #expect(reply.json?["localCount"] as? Int == 0, "gift-card orders are not top-ups")
                #expect(!differences.contains { $0["kind"] as? String == "missing_upstream" }, "\(body)")
                #expect(!codes.isEmpty && codes.allSatisfy { !body.contains($0) })

                let csv = try await client.execute(
                    uri: "/v1/reconciliation.csv", method: .get, headers: .admin(json: false))
                #expect(csv.status == .ok)
                let text = String(buffer: csv.body)
                #expect(text.contains(aroundId), "\(text)")
                #expect(codes.allSatisfy { !text.contains($0) })

                // The CSV text of the report: the columns of old, then product, orderId and ref.
                let report = try JSONDecoder().decode(Reconciler.Report.self, from: Data(reply.body.readableBytesView))
                let lines = ReconciliationBody.csv(report).text.split(separator: "\r\n").map(String.init)
                #expect(
                    lines.first
                        == "kind,topupId,upstreamStatus,bitaqaStatus,value,topupRef,userId,product,orderId,ref")
                #expect(lines.contains("untracked,\(aroundId),FULFILLED,,2100,,,gift-card,\(aroundId),"), "\(lines)")
                #expect(codes.allSatisfy { code in !lines.contains { $0.contains(code) } })
            }
        }
    }
}
