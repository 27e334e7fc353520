import BitaqaTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The merchant API over the in-process sandbox, with the tracker and deliverer running.
@Suite("Merchant API: send, resend, products")
struct MerchantSendTests {
    static let fast = [
        "BITAQA_POLL_INTERVAL": "0.05", "BITAQA_SANDBOX_RESOLVE_MIN": "0.05", "BITAQA_SANDBOX_RESOLVE_MAX": "0.2",
        "BITAQA_LOG_LEVEL": "critical",
    ]

    static func send(_ client: some TestClientProtocol, _ body: String) async throws -> TestResponse {
        try await client.execute(
            uri: "/v1/orders/send", method: .post, headers: .admin(), body: ByteBuffer(string: body))
    }

    static func waitDelivered(_ client: some TestClientProtocol, _ id: String) async throws -> [String: Any] {
        for _ in 0..<300 {
            let order =
                try await client.execute(uri: "/v1/orders/\(id)", method: .get, headers: .admin(json: false)).json
                ?? [:]
            let deliveries = order["deliveries"] as? [[String: Any]] ?? []
            if !deliveries.isEmpty && deliveries.allSatisfy({ $0["state"] as? String == "delivered" }) { return order }
            try await Task.sleep(for: .milliseconds(30))
        }
        return [:]
    }

    @Test("send places the top-up, the pipeline delivers it, resend queues it again", arguments: TestDatabase.available)
    func sendAndResend(database: TestDatabase) async throws {
        try await TestApp.run(on: database, settings: Self.fast) { client, directory in
            let response = try await Self.send(
                client,
                #"{"type":"4G","number":"213665983439","value":1000,"userId":"u-1","email":"b@shop.dz","phone":"0661234567","locale":"en","ref":"shop-order-77"}"#
            )
            #expect(response.status == .created)
            let order = try #require(response.json)
            #expect(order["topupRef"] as? String == "shop-order-77")
            #expect(order["type"] as? String == "4G" && order["value"] as? Int == 1000)
            let id = try #require(order["topupId"] as? String)
            let done = try await Self.waitDelivered(client, id)
            #expect(done["status"] as? String == "FULFILLED")
            #expect((done["transactionNumber"] as? String)?.hasPrefix("AT-") == true)
            #expect(done["cardCode"] == nil)
            let email = try FileManager.default.contentsOfDirectory(atPath: directory.path + "/outbox/email")
            #expect(email.filter { $0.hasPrefix(id) }.count == 1)

            let resend = try await client.execute(
                uri: "/v1/orders/\(id)/resend", method: .post, headers: .admin(),
                body: ByteBuffer(string: #"{"channel":"sms"}"#))
            #expect(resend.status == .accepted)
            for _ in 0..<200 {
                let sms = try FileManager.default.contentsOfDirectory(atPath: directory.path + "/outbox/sms").filter {
                    $0.hasPrefix(id)
                }
                if sms.count == 2 { break }
                try await Task.sleep(for: .milliseconds(30))
            }
            #expect(
                try FileManager.default.contentsOfDirectory(atPath: directory.path + "/outbox/sms").filter {
                    $0.hasPrefix(id)
                }.count == 2)
            let audit = try await client.execute(
                uri: "/v1/audit?order=\(id)", method: .get, headers: .admin(json: false))
            let kinds = (audit.json?["events"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
            #expect(kinds.first == "ORDER_SENT")
            #expect(
                kinds.contains("CARD_STORED") && kinds.contains("CARD_DELIVERED") && kinds.contains("RESEND_REQUESTED"))

            let metrics = String(
                buffer: try await client.execute(uri: "/metrics", method: .get, headers: .admin(json: false)).body)
            for name in [
                "bitaqa_checks_total", "bitaqa_deliveries_total", "bitaqa_time_to_delivery", "bitaqa_queue_depth",
            ] {
                #expect(metrics.contains(name), "missing metric \(name)")
            }
        }
    }

    @Test(
        "upstream refusals come back with their codes",
        arguments: [
            (#"{"type":"ADSL","number":"36362608","value":1000,"userId":"u"}"#, 400, "ERR_PHONE"),
            (#"{"type":"ADSL","number":"021000009","value":1000,"userId":"u"}"#, 400, "ERR_PHONE"),
            (#"{"type":"ADSL","number":"036362608","value":3000,"userId":"u"}"#, 409, "ERR_STOCK"),
            (#"{"type":"ADSL","number":"036362608","value":777,"userId":"u"}"#, 400, "ERR_VALIDATION"),
            (#"{"type":"FIBRE","number":"036362608","value":1000,"userId":"u"}"#, 400, "BAD_REQUEST"),
            (#"{"type":"ADSL","number":"036362608","value":1000,"userId":"u","email":"x"}"#, 400, "BAD_REQUEST"),
        ])
    func refusals(body: String, status: Int, code: String) async throws {
        try await TestApp.run(settings: Self.fast) { client, _ in
            let response = try await Self.send(client, body)
            #expect(response.status.code == status)
            #expect(try ErrorReply(response).error == code)
        }
    }

    @Test("POST /v1/orders/{id}/check checks now: the order after the check, 404 for none, 502 when the upstream fails")
    func checkOnRequest() async throws {
        // A slow resolution and a long poll interval: only the on-request check can see the change.
        let slow = Self.fast.merging([
            "BITAQA_POLL_INTERVAL": "600", "BITAQA_SANDBOX_RESOLVE_MIN": "0.3", "BITAQA_SANDBOX_RESOLVE_MAX": "0.3",
        ]) { $1 }
        try await TestApp.run(settings: slow) { client, _ in
            let sent = try await Self.send(
                client, #"{"type":"ADSL","number":"036362608","value":500,"userId":"u-check","email":"c@shop.dz"}"#)
            #expect(sent.status == .created)
            let id = try #require(sent.json?["topupId"] as? String)
            try await Task.sleep(for: .milliseconds(600))
            let checked = try await client.execute(
                uri: "/v1/orders/\(id)/check", method: .post, headers: .admin(json: false))
            #expect(checked.status == .ok)
            #expect(checked.json?["status"] as? String == "FULFILLED", "\(String(buffer: checked.body))")
            #expect(checked.json?["cardCode"] == nil)
            // The same order again at once: refused, so a loop cannot spend the upstream's shared budget.
            let again = try await client.execute(
                uri: "/v1/orders/\(id)/check", method: .post, headers: .admin(json: false))
            #expect(again.status == .tooManyRequests)
            #expect(Int(again.headers[.retryAfter] ?? "") ?? 0 >= 1)
            let missing = try await client.execute(
                uri: "/v1/orders/nope/check", method: .post, headers: .admin(json: false))
            #expect(missing.status == .notFound)
            // Each explicit check is audited before the upstream is asked, the refused one too.
            let audit = try await client.execute(
                uri: "/v1/audit?order=\(id)", method: .get, headers: .admin(json: false))
            let checks = (audit.json?["events"] as? [[String: Any]] ?? []).filter {
                $0["kind"] as? String == "CHECK_REQUESTED"
            }
            #expect(checks.count == 2, "\(checks)")
            #expect(checks.allSatisfy { $0["actor"] as? String == "merchant" && $0["requestId"] is String })
        }
        try await TestApp.run(settings: Self.fast.merging(["BITAQA_SANDBOX_FAULT_5XX": "1"]) { $1 }) { client, _ in
            let registered = try await client.execute(
                uri: "/v1/orders", method: .post, headers: .admin(),
                body: ByteBuffer(string: #"{"topupId":"down-1","userId":"u-1"}"#))
            #expect(registered.status == .created)
            let down = try await client.execute(
                uri: "/v1/orders/down-1/check", method: .post, headers: .admin(json: false))
            #expect(down.status == .badGateway)
            #expect(try ErrorReply(down).error == "UPSTREAM_UNAVAILABLE")
        }
    }

    @Test("a reused ref is 409 DUPLICATED_REF, a poor account 402 INSUFFICIENT_BALANCE")
    func refAndBalance() async throws {
        // 2,500 DZD: the first card (980) leaves enough for the replayed ref to reach the upstream.
        try await TestApp.run(settings: Self.fast.merging(["BITAQA_SANDBOX_BALANCE": "2500"]) { $1 }) { client, _ in
            let body = #"{"type":"ADSL","number":"036362608","value":1000,"userId":"u","ref":"same-ref"}"#
            #expect(try await Self.send(client, body).status == .created)
            let again = try await Self.send(client, body)
            #expect(again.status == .conflict)
            #expect(try ErrorReply(again).error == "DUPLICATED_REF")
            let poor = try await Self.send(
                client, #"{"type":"ADSL","number":"036362608","value":2000,"userId":"u","ref":"other-ref"}"#)
            #expect(poor.status.code == 402)
            #expect(try ErrorReply(poor).error == "INSUFFICIENT_BALANCE")
        }
    }

    @Test("resend of an order without a card is ORDER_NOT_READY with the status's meaning; unknown is 404")
    func resendNotReady() async throws {
        try await TestApp.run(settings: Self.fast) { client, _ in
            let sent = try await Self.send(
                client, #"{"type":"ADSL","number":"021000003","value":500,"userId":"u","email":"a@b.dz"}"#)
            let id = try #require(sent.json?["topupId"] as? String)
            let resend = try await client.execute(
                uri: "/v1/orders/\(id)/resend", method: .post, headers: .admin(), body: ByteBuffer(string: "{}"))
            #expect(resend.status == .badRequest)
            let reply = try ErrorReply(resend)
            #expect(reply.error == "ORDER_NOT_READY" && reply.message.hasPrefix("HANDLING"))
            let unknown = try await client.execute(
                uri: "/v1/orders/nope/resend", method: .post, headers: .admin(), body: ByteBuffer(string: "{}"))
            #expect(unknown.status == .notFound)
            #expect(try ErrorReply(unknown).error == "ORDER_NOT_FOUND")
        }
    }

    @Test("products come from the upstream and are cached")
    func products() async throws {
        try await TestApp.run(settings: Self.fast) { client, _ in
            let first = try await client.execute(
                uri: "/v1/products?type=ADSL", method: .get, headers: .admin(json: false))
            #expect(first.status == .ok)
            let products = try #require(first.json?["products"] as? [[String: Any]])
            #expect(products.count == 4)
            #expect(products.contains { $0["available"] as? Bool == false })
            #expect(
                try await client.execute(uri: "/v1/products?type=XYZ", method: .get, headers: .admin(json: false))
                    .status == .badRequest)
        }
    }
}
