import BitaqaTestSupport
import Foundation
import Testing

/// The gift-card line's leak test: a run through every gift-card path at trace level (which logs all that
/// debug does and more), then every output that is not a message to the buyer or an answer to them searched
/// for every code and serial the sandbox issued, in every encoding ``CanarySearch`` knows.
@Suite("Gift-card canary run")
struct GiftCardCanaryTests {
    @Test(
        "no issued code or serial in the log, the database, /metrics, the audit trail, webhooks, the console or any merchant answer",
        arguments: TestDatabase.available)
    func canaries(database: TestDatabase) async throws {
        let hooks = try TemporaryDirectory()
        defer { hooks.remove() }
        let receiver =
            WebhookReceiver.available
            ? try await WebhookReceiver.start(in: hooks, secrets: [WebhookProcessTests.secret]) : nil
        defer { receiver?.stop() }
        var settings = ["BITAQA_LOG_LEVEL": "trace", "BITAQA_AUDIT_CHECKPOINT_INTERVAL": "0.2"]
        if let receiver {
            settings["BITAQA_WEBHOOK_URL"] = receiver.url
            settings["BITAQA_WEBHOOK_SECRET"] = WebhookProcessTests.secret
        }
        try await GiftCardRig.run(database, settings: settings) { rig in
            var places: [String: [UInt8]] = [:]
            func keep(_ name: String, _ text: String) { places[name] = Array(text.utf8) }

            // Every way an order comes in and ends: answered, unanswered and found in the list, registered after
            // a placement around Bitaqa, partial, refunded.
            let placements: [(ref: String, typeId: String, quantity: Int, locale: String)] = [
                ("gc-c3", "psn-1000", 3, "fr"), ("gc-c1", "psn-1000", 1, "ar"), ("gc-cp", "TEST_PARTIAL", 4, "en"),
                ("gc-cr", "TEST_REFUND", 1, "fr"),
            ]
            for (index, placement) in placements.enumerated() {
                let (status, body) = try rig.place(
                    ref: placement.ref, typeId: placement.typeId, quantity: placement.quantity, userId: "cb\(index)",
                    email: "cb\(index)@shop.dz", phone: "0551234567", locale: placement.locale)
                #expect(status == 201, "\(body)")
                keep("place \(placement.ref)", body)
            }
            try rig.setFaults(lostAnswers: 1)
            let (lostStatus, lost) = try rig.place(
                ref: "gc-cl", productId: "google-play", typeId: "gp-500", quantity: 2, userId: "cb-lost",
                email: "cb-lost@shop.dz", phone: "0551234567")
            #expect(lostStatus == 201, "\(lost)")
            keep("place gc-cl", lost)
            let around = try rig.placeAround(productId: "netflix", typeId: "nf-1m", quantity: 1)
            let (registered, registration) = try rig.request(
                "POST", "/v1/gift-card-orders/register",
                body: #"{"orderId":"\#(around)","ref":"gc-creg","userId":"cb-reg","email":"cb-reg@shop.dz"}"#)
            #expect(registered == 201, "\(registration)")
            keep("register", registration)

            let expected: [String: (status: String, deliveries: Int)] = [
                "gc-c3": ("FULFILLED", 2), "gc-c1": ("FULFILLED", 2), "gc-cp": ("PARTIALLY_FILLED", 2),
                "gc-cr": ("REFUNDED", 2), "gc-cl": ("FULFILLED", 2), "gc-creg": ("FULFILLED", 1),
            ]
            for (ref, outcome) in expected.sorted(by: { $0.key < $1.key }) {
                try await rig.waitForOrder(ref, "\(outcome.status) and delivered", timeout: .seconds(90)) {
                    GiftCardRig.status($0) == outcome.status && GiftCardRig.delivered($0, count: outcome.deliveries)
                }
            }
            let codes = try rig.sandboxIssued()
            // 3 + 1 + 2 (of 4) + 0 + 2 + 1 cards, each a code and a serial.
            let issuedCount = 18
            #expect(codes.count == issuedCount, "every card issued: \(codes.count)")

            // The buyers' own answers hold their cards (so the canaries are the right values); the rest must not.
            let (ownStatus, own) = try await rig.customer("/api/gift-card-orders/gc-c3/cards", user: "cb0")
            #expect(
                ownStatus == 200 && codes.filter { own.contains($0) }.count == 6, "the owner reads 3 codes, 3 serials")
            for ref in expected.keys.sorted() {
                keep("merchant order \(ref)", try rig.request("GET", "/v1/gift-card-orders/\(ref)").body)
                keep("audit \(ref)", try rig.request("GET", "/v1/audit?order=gc%3A\(ref)").body)
                keep("customer order \(ref)", try await rig.customer("/api/gift-card-orders/\(ref)", user: "cb0").body)
                keep(
                    "stranger cards \(ref)",
                    try await rig.customer("/api/gift-card-orders/\(ref)/cards", user: "cb9").body)
            }
            keep("customer list", try await rig.customer("/api/gift-card-orders", user: "cb0").body)
            keep("refund cards", try await rig.customer("/api/gift-card-orders/gc-cr/cards", user: "cb3").body)
            keep("merchant list", try rig.request("GET", "/v1/gift-card-orders?limit=200").body)
            keep("merchant search", try rig.request("GET", "/v1/gift-card-orders?q=gc-c3").body)
            keep("check", try rig.request("POST", "/v1/gift-card-orders/gc-c3/check", body: "{}").body)
            let (resent, resend) = try rig.request(
                "POST", "/v1/gift-card-orders/gc-c1/resend", body: #"{"channel":"email"}"#)
            #expect(resent == 202, "\(resend)")
            keep("resend", resend)
            keep(
                "contact change",
                try rig.request("PATCH", "/v1/gift-card-orders/gc-c1", body: #"{"email":"cb1-new@shop.dz"}"#).body)
            keep("catalog", try rig.request("GET", "/v1/gift-cards/catalog").body)
            keep("product", try rig.request("GET", "/v1/gift-cards/products/psn-dz").body)
            try await Task.sleep(for: .seconds(2))
            keep("metrics", try rig.request("GET", "/metrics").body)
            keep("webhook messages", try rig.request("GET", "/v1/webhooks/messages?limit=200").body)
            keep("reconciliation", try rig.request("GET", "/v1/reconciliation").body)

            // The console, signed in with the admin token.
            let jar = rig.directory.path + "/console.cookies"
            let (signedIn, _) = try HTTPProbe.request(
                "POST", rig.server.base + "/console/login",
                headers: ["Content-Type": "application/x-www-form-urlencoded"], body: "token=\(GiftCardRig.admin)",
                extra: ["-c", jar, "-b", jar])
            #expect(signedIn == 303, "console sign-in")
            var consolePages = 0
            for path in ["/console", "/console/gift-cards", "/console/gift-cards?q=gc-c3", "/console/orders"]
                + expected.keys.sorted().map({ "/console/gift-cards/\($0)" })
            {
                let (status, page) = try HTTPProbe.request("GET", rig.server.base + path, extra: ["-b", jar])
                if status == 200 { consolePages += 1 }
                keep("console \(path)", page)
            }
            #expect(consolePages >= 3, "console pages answered: \(consolePages)")

            // The command line, on the same database.
            let check = try BitaqaProcess.run(["orders", "check", "gc-c3"], environment: rig.environment)
            #expect(check.status == 0, "\(check.stderr.suffix(500))")
            keep("orders check", check.stdout + check.stderr)
            let resendCommand = try BitaqaProcess.run(["orders", "resend", "gc-c1"], environment: rig.environment)
            #expect(resendCommand.status == 0, "\(resendCommand.stderr.suffix(500))")
            keep("orders resend", resendCommand.stdout + resendCommand.stderr)
            try await Task.sleep(for: .seconds(1))

            keep("serve stdout", rig.server.running.stdout())
            let log = rig.server.stop()
            keep("serve log", log)
            rig.stoppedLogs.append(log)
            let export = try BitaqaProcess.run(["audit", "export"], environment: rig.environment)
            #expect(export.stdout.contains("CARD_STORED"), "\(export.stderr.suffix(300))")
            keep("audit export", export.stdout + export.stderr)
            let verify = try BitaqaProcess.run(["audit", "verify"], environment: rig.environment)
            #expect(verify.status == 0, "\(verify.stdout.suffix(300))")
            keep("audit verify", verify.stdout + verify.stderr)
            if let checkpoint = FileManager.default.contents(atPath: rig.directory.path + "/audit-checkpoint.json") {
                places["audit checkpoint"] = Array(checkpoint)
            }
            if let receiver {
                let records = receiver.records()
                #expect(records.contains { "\($0)".contains("gift-card") }, "gift-card webhooks arrived")
                keep("webhooks received", records.map { "\($0)" }.joined(separator: "\n"))
            }
            places.merge(try await CanarySearch.databaseContents(rig.location)) { $1 }

            #expect((places["serve log"]?.count ?? 0) > 20_000, "the trace log holds the run")
            var canaries: [String: String] = [
                "admin token": GiftCardRig.admin, "jwt secret": GiftCardRig.jwtSecret,
                "encryption key": rig.environment["ENCRYPTION_KEY"] ?? "",
            ]
            for (index, code) in codes.enumerated() { canaries["issued \(index) \(code.prefix(3))"] = code }
            let hits = CanarySearch(canaries).hits(in: places)
            #expect(hits.isEmpty, "\(hits.joined(separator: "; "))")
            print(
                "gift-card canaries (\(database)): \(places.count) outputs, \(places.values.map(\.count).reduce(0, +)) bytes searched for \(canaries.count) canaries: \(hits.count) hits"
            )
        }
    }
}
