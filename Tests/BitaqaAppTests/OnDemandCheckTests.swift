import Audit
import BitaqaCore
import BitaqaTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import OneClickDZ
import OneClickDZSandbox
import Orders
import Testing

/// Checks made because a buyer or the merchant looked, against a sandbox this test can count.
@Suite("Checks on demand")
struct OnDemandCheckTests {
    static func send(_ client: any TestClientProtocol, number: String, user: String) async throws -> String {
        let sent = try await client.execute(
            uri: "/v1/orders/send", method: .post, headers: .admin(),
            body: ByteBuffer(
                string: #"{"type":"ADSL","number":"\#(number)","value":500,"userId":"\#(user)","email":"b@shop.dz"}"#))
        #expect(sent.status == .created)
        return try #require(sent.json?["topupId"] as? String)
    }

    static func status(_ client: any TestClientProtocol, _ id: String) async throws -> String? {
        try await client.execute(uri: "/v1/orders/\(id)", method: .get, headers: .admin(json: false)).json?["status"]
            as? String
    }

    static func card(_ client: any TestClientProtocol, _ id: String, token: String) async throws -> TestResponse {
        try await client.execute(
            uri: "/api/internet-orders/\(id)/card", method: .get, headers: [.authorization: "Bearer \(token)"])
    }

    static func waitFor(_ wanted: String, _ client: any TestClientProtocol, _ id: String) async throws -> Bool {
        for _ in 0..<100 {
            if try await status(client, id) == wanted { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    @Test(
        "a QUEUED order fulfilled upstream: the buyer's next card request checks it and gets the card, and the email follows",
        arguments: TestDatabase.available)
    func queuedThenAsked(database: TestDatabase) async throws {
        var sandbox = SandboxSettings.fast()
        sandbox.queuedFor = 1
        // Checked on schedule only once an hour: only the buyer's look can find the card sooner.
        try await CountedSandbox.run(
            on: database, sandbox,
            app: [
                "BITAQA_POLL_INTERVAL": "0.1", "BITAQA_QUEUED_CHECK_EARLY": "3600",
                "BITAQA_CHECK_ON_DEMAND_AFTER": "0.5",
            ]
        ) { sandbox, client, directory in
            let id = try await Self.send(client, number: SandboxNumbers.queued.adsl, user: "q-buyer")
            #expect(try await Self.waitFor("QUEUED", client, id))
            let token = try await Tokens.hs256(Tokens.claims("q-buyer"))
            let early = try await Self.card(client, id, token: token)
            #expect(early.status == .badRequest)
            #expect(try ErrorReply(early).error == "ORDER_NOT_READY")
            try await Task.sleep(for: .milliseconds(1_200))
            let asked = ContinuousClock.now
            let card = try await Self.card(client, id, token: token)
            #expect(card.status == .ok, "\(String(buffer: card.body))")
            #expect((card.json?["cardCode"] as? String).map { $0.count == 12 } == true)
            #expect(ContinuousClock.now - asked < .seconds(2))
            var emailed = false
            for _ in 0..<100 where !emailed {
                let files =
                    (try? FileManager.default.contentsOfDirectory(atPath: directory.path + "/outbox/email")) ?? []
                emailed = files.contains { $0.hasPrefix(id) }
                if !emailed { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(emailed, "the card email follows the check the buyer caused")
            _ = sandbox
        }
    }

    @Test(
        "a buyer hammering the card endpoint causes at most one upstream check per window; the merchant's look checks too",
        arguments: TestDatabase.available)
    func hammering(database: TestDatabase) async throws {
        var sandbox = SandboxSettings.fast()
        sandbox.queuedFor = 3_600
        try await CountedSandbox.run(
            on: database, sandbox,
            app: [
                "BITAQA_POLL_INTERVAL": "0.1", "BITAQA_QUEUED_CHECK_EARLY": "3600", "BITAQA_CHECK_ON_DEMAND_AFTER": "1",
            ]
        ) { sandbox, client, _ in
            let id = try await Self.send(client, number: SandboxNumbers.queued.adsl, user: "h-buyer")
            #expect(try await Self.waitFor("QUEUED", client, id))
            func checks() async -> Int {
                await sandbox.requestLog().filter { $0.route == "GET /internet/check-id" && $0.id == id }.count
            }
            let before = await checks()
            let token = try await Tokens.hs256(Tokens.claims("h-buyer"))
            let started = ContinuousClock.now
            var answers: [HTTPResponse.Status] = []
            while ContinuousClock.now - started < .milliseconds(2_500) {
                try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                    for _ in 0..<4 { group.addTask { try await Self.card(client, id, token: token).status } }
                    for try await status in group { answers.append(status) }
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            let elapsed = (ContinuousClock.now - started).inSeconds
            let made = await checks() - before
            #expect(answers.count > 40 && answers.allSatisfy { $0 == .badRequest })
            #expect(made >= 1, "the looks checked the order upstream")
            #expect(made <= Int(elapsed.rounded(.up)) + 1, "\(made) checks in \(elapsed) s for \(answers.count) looks")

            // The merchant opening the order checks it too, once the last answer is a window old.
            try await Task.sleep(for: .milliseconds(1_100))
            let beforeMerchant = await checks()
            #expect(try await Self.status(client, id) == "QUEUED")
            #expect(await checks() == beforeMerchant + 1)
            #expect(try await Self.status(client, id) == "QUEUED")
            #expect(await checks() == beforeMerchant + 1, "a second look within the window asks nothing")
        }
    }
}

@Suite("Upstream account")
struct UpstreamAccountTests {
    @Test(
        "GET /v1/account shows balance and key type, /metrics the gauge; a send the known balance cannot pay is 402 before any upstream send"
    )
    func balance() async throws {
        var sandbox = SandboxSettings.fast()
        sandbox.balance = 1_500
        try await CountedSandbox.run(sandbox, app: [:]) { sandbox, client, _ in
            let account = try await client.execute(uri: "/v1/account", method: .get, headers: .admin(json: false))
            #expect(account.status == .ok)
            #expect(account.json?["balance"] as? Double == 1_500)
            #expect(account.json?["currency"] as? String == "DZD" && account.json?["keyType"] as? String == "SANDBOX")
            let metrics = try await client.execute(uri: "/metrics", method: .get, headers: .admin(json: false))
            #expect(String(buffer: metrics.body).contains("bitaqa_upstream_balance_dzd 1500"))

            let first = #"{"type":"ADSL","number":"036362608","value":1000,"userId":"u"}"#
            let sent = try await client.execute(
                uri: "/v1/orders/send", method: .post, headers: .admin(), body: ByteBuffer(string: first))
            #expect(sent.status == .created)
            let sends = await sandbox.requestCounts()["POST /internet/send"]
            let poor = try await client.execute(
                uri: "/v1/orders/send", method: .post, headers: .admin(), body: ByteBuffer(string: first))
            #expect(poor.status.code == 402)
            #expect(try ErrorReply(poor).error == "INSUFFICIENT_BALANCE")
            #expect(await sandbox.requestCounts()["POST /internet/send"] == sends, "refused before calling send")
            let after = try await client.execute(uri: "/v1/account", method: .get, headers: .admin(json: false))
            #expect(after.json?["balance"] as? Double == 520)
        }
    }
}

@Suite("Reconciliation API")
struct ReconciliationAPITests {
    @Test(
        "GET /v1/reconciliation: nothing differs for an order both sides know; a top-up lost upstream is missing_upstream with its value; bad times are 400"
    )
    func reconciliation() async throws {
        try await CountedSandbox.run(.fast(), app: ["BITAQA_POLL_INTERVAL": "0.1"]) { sandbox, client, _ in
            let id = try await OnDemandCheckTests.send(client, number: SandboxNumbers.stuck.adsl, user: "r-user")
            let clean = try await client.execute(uri: "/v1/reconciliation", method: .get, headers: .admin(json: false))
            #expect(clean.status == .ok)
            #expect((clean.json?["differences"] as? [Any])?.isEmpty == true, "\(String(buffer: clean.body))")
            #expect(clean.json?["upstreamCount"] as? Int == 1 && clean.json?["localCount"] as? Int == 1)

            #expect(await sandbox.deleteTopup(id))
            let lost = try await client.execute(uri: "/v1/reconciliation", method: .get, headers: .admin(json: false))
            let differences = try #require(lost.json?["differences"] as? [[String: Any]])
            #expect(differences.count == 1)
            #expect(differences.first?["kind"] as? String == "missing_upstream")
            #expect(differences.first?["value"] as? Int == 500 && differences.first?["topupId"] as? String == id)
            let totals = try #require(lost.json?["totals"] as? [String: [String: Int]])
            #expect(totals["missing_upstream"] == ["count": 1, "amount": 500] && totals["all"]?["count"] == 1)

            let empty = try await client.execute(
                uri: "/v1/reconciliation?from=2020-01-01&to=2020-01-02T00:00:00Z", method: .get,
                headers: .admin(json: false))
            #expect(empty.status == .ok && (empty.json?["differences"] as? [Any])?.isEmpty == true)
            for query in ["from=yesterday", "from=2026-12-02&to=2026-12-01"] {
                let bad = try await client.execute(
                    uri: "/v1/reconciliation?\(query)", method: .get, headers: .admin(json: false))
                #expect(bad.status == .badRequest, "\(query)")
            }
            let anonymous = try await client.execute(uri: "/v1/reconciliation", method: .get)
            #expect(anonymous.status == .unauthorized)
        }
    }
}

@Suite("Webhook messages API")
struct WebhookMessagesAPITests {
    @Test(
        "a balance under the threshold is one account.balance_low message; the list filters and pages; retry and its errors"
    )
    func messages() async throws {
        let settings = [
            "BITAQA_SANDBOX_BALANCE": "100", "BITAQA_BALANCE_ALERT_BELOW": "500",
            // Nobody listens there: every attempt fails and the message stays pending.
            "BITAQA_WEBHOOK_URL": "http://127.0.0.1:9/hooks",
            "BITAQA_WEBHOOK_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        ]
        try await TestApp.run(settings: settings) { client, directory in
            var messages: [[String: Any]] = []
            for _ in 0..<100 where messages.isEmpty {
                let listed = try await client.execute(
                    uri: "/v1/webhooks/messages", method: .get, headers: .admin(json: false))
                #expect(listed.status == .ok)
                messages = listed.json?["messages"] as? [[String: Any]] ?? []
                if messages.isEmpty { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(messages.count == 1)
            let message = try #require(messages.first)
            #expect(message["type"] as? String == "account.balance_low" && message["state"] as? String == "pending")
            #expect(message["topupId"] is NSNull && message.keys.contains("nextAttemptAt"))
            let id = try #require(message["id"] as? String)
            let csv = try await client.execute(
                uri: "/v1/webhooks/messages.csv?state=pending", method: .get, headers: .admin(json: false))
            #expect(csv.status == .ok && csv.headers[.contentType] == "text/csv; charset=utf-8")
            let lines = String(buffer: csv.body).split(separator: "\r\n")
            #expect(lines.count == 2 && lines.first?.hasPrefix("id,type,topupId,state") == true)
            #expect(lines.last?.hasPrefix("\(id),account.balance_low,,pending,") == true, "\(lines)")
            #expect(
                try await client.execute(
                    uri: "/v1/webhooks/messages.csv?state=lost", method: .get, headers: .admin(json: false)
                ).status == .badRequest)
            let retried = try await client.execute(
                uri: "/v1/webhooks/messages/\(id)/retry", method: .post, headers: .admin(json: false))
            #expect(retried.status == .accepted)
            let unknown = try await client.execute(
                uri: "/v1/webhooks/messages/msg_nope/retry", method: .post, headers: .admin(json: false))
            #expect(unknown.status == .notFound)
            // The retry is audited, naming the message; the refused one is not.
            let retries = try await TestApp.auditEvents(in: directory).filter {
                $0.event.kind == .webhookRetryRequested
            }
            #expect(retries.count == 1)
            #expect(retries.first?.event.details["message"] == id && retries.first?.event.actor == "merchant")
            for query in ["state=lost", "limit=0", "limit=many"] {
                let bad = try await client.execute(
                    uri: "/v1/webhooks/messages?\(query)", method: .get, headers: .admin(json: false))
                #expect(bad.status == .badRequest, "\(query)")
            }
            let delivered = try await client.execute(
                uri: "/v1/webhooks/messages?state=delivered", method: .get, headers: .admin(json: false))
            #expect((delivered.json?["messages"] as? [Any])?.isEmpty == true)
            #expect(try await client.execute(uri: "/v1/webhooks/messages", method: .get).status == .unauthorized)
        }
    }
}
