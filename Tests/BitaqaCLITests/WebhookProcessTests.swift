import BitaqaTestSupport
import Foundation
import Testing

/// Webhooks from `serve` to a receiver that verifies them with the Standard Webhooks reference code.
@Suite("Webhooks to the shop", .enabled(if: WebhookReceiver.available, "standardwebhooks is not installed"))
struct WebhookProcessTests {
    static let secret = "whsec_" + Data((0..<32).map { UInt8($0 * 7 % 256) }).base64EncodedString()
    static let previous = "whsec_" + Data((0..<24).map { UInt8($0 * 13 % 256) }).base64EncodedString()

    static func place(_ server: ServerProcess, number: String, email: String, ref: String) throws -> String? {
        let (status, body) = try HTTPProbe.request(
            "POST", server.base + "/v1/orders/send",
            headers: [
                "Authorization": "Bearer \(PipelineProcessTests.adminToken)", "Content-Type": "application/json",
            ],
            body:
                #"{"type":"ADSL","number":"\#(number)","value":500,"userId":"u-\#(ref)","email":"\#(email)","phone":"0551234567","ref":"\#(ref)"}"#
        )
        guard status == 201 else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["topupId"] as? String
    }

    static func waitFor(_ timeout: Duration, _ done: () throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try done() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try done()
    }

    @Test(
        "a full run: fulfilled, delivered, a bounced email, a refund, a queued order; every message verifies with both secrets of a rotation; no card code, no secret"
    )
    func fullRun() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (location, drop) = try await TestDatabase.sqlite.makeLocation(in: directory)
        let mail = try await FaultyMailServer.start(in: directory)
        defer { mail.stop() }
        try mail.set(mode: "accept", reject: ["bounce@shop.dz"])
        let receiver = try await WebhookReceiver.start(in: directory, secrets: [Self.secret, Self.previous])
        defer { receiver.stop() }
        let (sandbox, sandboxURL) = try await PipelineProcessTests.startSandbox(directory, resolve: (0.2, 0.4))
        defer { sandbox.terminateIfRunning() }
        var environment = PipelineProcessTests.serverEnvironment(
            directory, database: TestDatabase.url(of: location), sandbox: sandboxURL)
        environment.merge(mail.environment) { $1 }
        environment["BITAQA_WEBHOOK_URL"] = receiver.url
        environment["BITAQA_WEBHOOK_SECRET"] = Self.secret
        environment["BITAQA_WEBHOOK_SECRET_PREVIOUS"] = Self.previous
        environment["BITAQA_LOG_LEVEL"] = "debug"
        let server = try await ServerProcess.start(directory: directory.path, environment: environment)
        let ok = try #require(try Self.place(server, number: "036000001", email: "ok@shop.dz", ref: "w-ok"))
        let bounced = try #require(try Self.place(server, number: "036000002", email: "bounce@shop.dz", ref: "w-b"))
        let refunded = try #require(try Self.place(server, number: "021000001", email: "r@shop.dz", ref: "w-r"))
        let queued = try #require(try Self.place(server, number: "021000002", email: "q@shop.dz", ref: "w-q"))
        let expected: [String: Int] = [
            "order.fulfilled": 2, "delivery.delivered": 3, "delivery.failed": 1, "order.refunded": 1,
            "order.queued": 1,
        ]
        func types() -> [String: Int] {
            receiver.accepted().values.reduce(into: [:]) { $0[$1["type"] as? String ?? "?", default: 0] += 1 }
        }
        let arrived = try await Self.waitFor(.seconds(40)) { types() == expected }
        #expect(arrived, "\(types())")
        let records = receiver.records()
        #expect(records.allSatisfy { ($0["verified"] as? [Bool]) == [true, true] }, "every signature verifies")
        #expect(records.allSatisfy { ($0["signature"] as? String)?.split(separator: " ").count == 2 })
        let bodies = receiver.accepted().values.compactMap { $0["body"] as? String }
        let decoded = bodies.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        func data(_ type: String, _ id: String) -> [String: Any]? {
            decoded.first {
                $0["type"] as? String == type && ($0["data"] as? [String: Any])?["topupId"] as? String == id
            }?[
                "data"] as? [String: Any]
        }
        #expect(data("order.fulfilled", ok)?["userId"] as? String == "u-w-ok")
        #expect(data("order.fulfilled", ok)?["topupRef"] as? String == "w-ok")
        let failure = try #require(data("delivery.failed", bounced))
        #expect(failure["channel"] as? String == "email" && failure["error"] != nil && failure["attempts"] as? Int == 1)
        #expect((failure["recipient"] as? String)?.contains("bounce@") == false)
        #expect(data("order.refunded", refunded)?["status"] as? String == "REFUNDED")
        #expect(data("order.queued", queued)?["status"] as? String == "QUEUED")

        let (listed, page) = try HTTPProbe.request(
            "GET", server.base + "/v1/webhooks/messages?state=delivered&limit=100",
            headers: ["Authorization": "Bearer \(PipelineProcessTests.adminToken)"])
        #expect(listed == 200)
        let messages = (try JSONSerialization.jsonObject(with: Data(page.utf8)) as? [String: Any])?["messages"]
        #expect((messages as? [[String: Any]])?.count == 8)
        let (_, metrics) = try HTTPProbe.request(
            "GET", server.base + "/metrics", headers: ["Authorization": "Bearer \(PipelineProcessTests.adminToken)"])
        let counted = metrics.split(separator: "\n").filter {
            $0.hasPrefix("bitaqa_webhook_messages_total{") && $0.contains(#"type="delivery.failed""#)
                && $0.contains(#"outcome="delivered""#)
        }
        #expect(counted.count == 1 && counted.first?.hasSuffix(" 1") == true, "\(counted)")

        let log = server.stop()
        let (_, cards) = try HTTPProbe.request(
            "GET", sandboxURL + "/sandbox/cards", headers: ["X-Access-Token": PipelineProcessTests.sandboxKey])
        let codes =
            ((try JSONSerialization.jsonObject(with: Data(cards.utf8)) as? [String: Any])?["data"] as? [String: Any])?[
                "codes"] as? [String] ?? []
        #expect(codes.count >= 2)
        let everything = records.map { "\($0)" }.joined(separator: "\n")
        let canaries =
            codes + [Self.secret, Self.previous, String(Self.secret.dropFirst(6)), PipelineProcessTests.adminToken]
        for canary in canaries {
            #expect(!everything.contains(canary), "a secret or card code in a webhook")
            #expect(!log.contains(canary), "a secret or card code in the log")
        }
        await drop()
    }

    @Test(
        "the receiver answers 500 for a while and serve is SIGKILLed meanwhile: after the restart every message arrives once, with the id of its failed attempts"
    )
    func failuresAndCrash() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (location, drop) = try await TestDatabase.sqlite.makeLocation(in: directory)
        let receiver = try await WebhookReceiver.start(in: directory, secrets: [Self.secret])
        defer { receiver.stop() }
        try receiver.set(status: 500)
        let (sandbox, sandboxURL) = try await PipelineProcessTests.startSandbox(directory, resolve: (0.2, 0.4))
        defer { sandbox.terminateIfRunning() }
        var environment = PipelineProcessTests.serverEnvironment(
            directory, database: TestDatabase.url(of: location), sandbox: sandboxURL)
        environment["BITAQA_WEBHOOK_URL"] = receiver.url
        environment["BITAQA_WEBHOOK_SECRET"] = Self.secret
        environment["BITAQA_WEBHOOK_EVENTS"] = "order.fulfilled"
        // 10 ms, 0.6 s, 3.6 s, 14 s …: the schedule, 500 times faster.
        environment["BITAQA_WEBHOOK_RETRY_SCALE"] = "0.002"
        var server = try await ServerProcess.start(directory: directory.path, environment: environment)
        var ids: [String] = []
        for index in 0..<5 {
            ids.append(
                try #require(try Self.place(server, number: "03600010\(index)", email: "c@shop.dz", ref: "k-\(index)")))
        }
        // Each message refused at least once before the crash.
        let refused = try await Self.waitFor(.seconds(20)) {
            Set(receiver.records().compactMap { $0["id"] as? String }).count == 5
        }
        #expect(refused)
        _ = server.stop(signal: SIGKILL, grace: .seconds(10))
        let refusedIDs = Set(receiver.records().compactMap { $0["id"] as? String })
        try receiver.set(status: 200)
        server = try await ServerProcess.start(directory: directory.path, environment: environment)
        let arrived = try await Self.waitFor(.seconds(40)) { receiver.accepted().count == 5 }
        #expect(arrived, "\(receiver.accepted().count) of 5")
        let accepted = receiver.accepted()
        #expect(Set(accepted.keys) == refusedIDs, "the retries carry the ids of the refused attempts")
        let topups = Set(
            accepted.values.compactMap { record -> String? in
                let body = (record["body"] as? String).flatMap {
                    try? JSONSerialization.jsonObject(with: Data($0.utf8))
                }
                return ((body as? [String: Any])?["data"] as? [String: Any])?["topupId"] as? String
            })
        #expect(topups == Set(ids), "one message per order")
        let okCount = receiver.records().filter { ($0["answered"] as? Int) == 200 }.count
        #expect(okCount == 5, "each message accepted once")
        #expect(receiver.records().allSatisfy { ($0["verified"] as? [Bool]) == [true] })
        _ = server.stop()
        await drop()
    }

    @Test("a receiver that hangs does not slow card delivery")
    func hangingReceiver() async throws {
        func timeToDeliver(hanging: Bool) async throws -> Duration {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let (location, drop) = try await TestDatabase.sqlite.makeLocation(in: directory)
            let receiver = try await WebhookReceiver.start(in: directory, secrets: [Self.secret])
            defer { receiver.stop() }
            try receiver.set(status: 200, hang: 30)
            let (sandbox, sandboxURL) = try await PipelineProcessTests.startSandbox(directory, resolve: (0.2, 0.3))
            defer { sandbox.terminateIfRunning() }
            var environment = PipelineProcessTests.serverEnvironment(
                directory, database: TestDatabase.url(of: location), sandbox: sandboxURL)
            if hanging {
                environment["BITAQA_WEBHOOK_URL"] = receiver.url
                environment["BITAQA_WEBHOOK_SECRET"] = Self.secret
            }
            let server = try await ServerProcess.start(directory: directory.path, environment: environment)
            let started = ContinuousClock.now
            var ids: [String] = []
            for index in 0..<20 {
                if let id = try Self.place(
                    server, number: "03600020\(index % 10)", email: "h@shop.dz", ref: "h-\(index)")
                {
                    ids.append(id)
                }
            }
            let delivered = try await Self.waitFor(.seconds(30)) {
                try ids.allSatisfy { id in
                    let states = try PipelineProcessTests.deliveryStates(server, id)
                    return !states.isEmpty && states.allSatisfy { $0 == "delivered" }
                }
            }
            let elapsed = ContinuousClock.now - started
            #expect(delivered && ids.count == 20)
            if hanging { #expect(receiver.records().isEmpty, "the receiver is still hanging on its first requests") }
            _ = server.stop(signal: SIGKILL, grace: .seconds(10))
            await drop()
            return elapsed
        }
        let without = try await timeToDeliver(hanging: false)
        let with = try await timeToDeliver(hanging: true)
        print("20 cards delivered in \(without) without webhooks, \(with) with a receiver that hangs")
        #expect(with < without * 1.5 + .seconds(1), "\(with) against \(without)")
    }
}
