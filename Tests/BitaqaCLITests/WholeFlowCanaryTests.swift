import BitaqaCore
import BitaqaTestSupport
import Foundation
import Orders
import SQLKit
import Storage
import Testing

/// Issue 9's whole-flow canary run: every path a card and a secret take through Bitaqa, run as real
/// processes, then every output searched for them. The outbox (mail server spool, SMS log) and the two
/// answers that reveal a card to its buyer are the only places a card may appear.
@Suite("Whole-flow canary run")
struct WholeFlowCanaryTests {
    /// The `/cards/{token}` link of an email, from its quoted-printable or base64 parts.
    static func revealToken(inEmail raw: String) -> String? {
        var texts = [raw.replacingOccurrences(of: "=\r\n", with: "").replacingOccurrences(of: "=\n", with: "")]
        let lines = raw.components(separatedBy: .newlines)
        var block = ""
        for line in lines + [""] {
            if line.count >= 16, line.allSatisfy({ $0.isLetter || $0.isNumber || "+/=".contains($0) }),
                line.allSatisfy(\.isASCII)
            {
                block += line
            } else if !block.isEmpty {
                if let data = Data(base64Encoded: block) { texts.append(String(decoding: data, as: UTF8.self)) }
                block = ""
            }
        }
        for text in texts {
            guard let range = text.range(of: "/cards/") else { continue }
            let token = text[range.upperBound...].prefix { $0.isLetter || $0.isNumber || "-_.".contains($0) }
            if !token.isEmpty { return String(token) }
        }
        return nil
    }

    @Test(
        "registration to resend, rotation and tamper: no card code or secret in any output",
        arguments: TestDatabase.available)
    func wholeFlow(database: TestDatabase) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (location, drop) = try await database.makeLocation(in: directory)
        let adminToken = "canary-admin-" + UUID().uuidString
        let upstreamKey = "canary-upstream-" + UUID().uuidString
        let jwtSecret = "canary-jwt-" + UUID().uuidString + UUID().uuidString
        let smsToken = "canary-sms-" + UUID().uuidString
        let oldKey = SecretBytes.random(count: 32)
        let newKey = SecretBytes.random(count: 32)
        let refused = "refused@shop.dz"

        let mail = try await FaultyMailServer.start(in: directory)
        defer { mail.stop() }
        try mail.set(mode: "accept", reject: [refused])
        let sms = try await SMSEndpoint.start(in: directory, token: smsToken)
        defer { sms.stop() }
        let (sandbox, sandboxURL) = try await PipelineProcessTests.startSandbox(
            directory, resolve: (0.2, 0.8), key: upstreamKey)
        defer { sandbox.terminateIfRunning() }
        var environment = [
            "BITAQA_DATA_DIR": directory.path, "BITAQA_DATABASE_URL": TestDatabase.url(of: location),
            "BITAQA_ADMIN_TOKEN": adminToken,
            "BITAQA_ENCRYPTION_KEYS": oldKey.unsafeHex, "ONECLICKDZ_API_KEY": upstreamKey,
            "ONECLICKDZ_BASE_URL": sandboxURL,
            "BITAQA_JWT_SECRET": jwtSecret, "BITAQA_SMTP_URL": mail.url, "BITAQA_SMTP_FROM": "Cards <cards@shop.dz>",
            "BITAQA_EMAIL_MODE": "link", "BITAQA_POLL_INTERVAL": "0.1", "BITAQA_LOG_LEVEL": "trace",
            "BITAQA_AUDIT_CHECKPOINT_INTERVAL": "0.2", "BITAQA_DELIVERY_RETRY_BASE": "0.2",
            "BITAQA_DELIVERY_MAX_ATTEMPTS": "1",
        ]
        environment.merge(sms.environment) { $1 }
        var places: [String: [UInt8]] = [:]
        func keep(_ name: String, _ text: String) { places[name] = Array(text.utf8) }
        let admin = ["Authorization": "Bearer \(adminToken)", "Content-Type": "application/json"]

        // Registration and fulfilment: one buyer served, one whose address the mail server refuses, one
        // whose stored card will be tampered with.
        var server = try await ServerProcess.start(directory: directory.path, environment: environment)
        var orders: [String] = []
        for (index, email) in ["buyer0@shop.dz", refused, "buyer2@shop.dz"].enumerated() {
            let (status, body) = try HTTPProbe.request(
                "POST", server.base + "/v1/orders/send", headers: admin,
                body:
                    #"{"type":"ADSL","number":"03600000\#(index)","value":500,"userId":"u\#(index)","email":"\#(email)","phone":"0551234567","ref":"flow-\#(index)"}"#
            )
            #expect(status == 201, "\(body)")
            keep("send \(index)", body)
            let id = (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["topupId"] as? String
            orders.append(id ?? "missing-\(index)")
        }
        let store = try await Store.open(location, logger: TestDatabase.quietLogger)
        let settled = try await Reliability.waitUntil(.seconds(60)) {
            let states = try await Reliability.deliveryStates(store)
            return states["delivered"] == 5 && states["failed"] == 1
        }
        let settledStates = try await Reliability.deliveryStates(store)
        #expect(settled, "\(settledStates)")
        let codes = try SandboxControl(base: sandboxURL, key: upstreamKey).cardCodes()
        #expect(codes.count == 3)

        // In-app reveal, by the buyer and by someone else.
        let buyer = try await CustomerToken.hs256(subject: "u0", secret: jwtSecret)
        let stranger = try await CustomerToken.hs256(subject: "u9", secret: jwtSecret)
        let (cardStatus, card) = try HTTPProbe.request(
            "GET", server.base + "/api/internet-orders/\(orders[0])/card", headers: ["Authorization": "Bearer \(buyer)"]
        )
        #expect(cardStatus == 200 && codes.contains { card.contains($0) }, "the buyer reads the card")
        let (strangerStatus, strangerBody) = try HTTPProbe.request(
            "GET", server.base + "/api/internet-orders/\(orders[0])/card",
            headers: ["Authorization": "Bearer \(stranger)"]
        )
        #expect(strangerStatus == 404)
        keep("stranger reveal", strangerBody)
        keep(
            "bad jwt",
            try HTTPProbe.request(
                "GET", server.base + "/api/internet-orders", headers: ["Authorization": "Bearer \(buyer)x"]
            ).1)

        // Web reveal from the link in the email.
        let spool = directory.path + "/smtp/spool"
        let emails = try FileManager.default.contentsOfDirectory(atPath: spool).sorted().compactMap {
            try? String(contentsOfFile: spool + "/" + $0, encoding: .utf8)
        }
        let token = emails.first { $0.contains("buyer0@shop.dz") }.flatMap(Self.revealToken(inEmail:))
        #expect(token != nil, "the email holds a reveal link")
        if let token {
            let (landing, page) = try HTTPProbe.request("GET", server.base + "/cards/\(token)")
            // The landing page answers the link's holder, so it may name the token (its form posts to it).
            #expect(landing == 200 && !codes.contains { page.contains($0) }, "the landing page holds no card")
            let (revealed, cardPage) = try HTTPProbe.request("POST", server.base + "/cards/\(token)")
            #expect(
                revealed == 200 && codes.contains { cardPage.contains($0) }, "the page reveals the card after the POST")
        }

        // The failed delivery says why; the merchant fixes the address and resends.
        let (_, failedDetail) = try HTTPProbe.request("GET", server.base + "/v1/orders/\(orders[1])", headers: admin)
        #expect(failedDetail.contains("DELIVERY_FAILED"))
        keep("failed detail", failedDetail)
        try mail.set(mode: "accept")
        keep(
            "resend",
            try HTTPProbe.request(
                "POST", server.base + "/v1/orders/\(orders[1])/resend", headers: admin, body: #"{"channel":"email"}"#
            ).1)
        #expect(
            try await Reliability.waitUntil(.seconds(30)) {
                mail.events().contains { $0.event == "accepted" && $0.recipients.contains(refused) }
            })

        // Tamper: order 2's card replaced by order 0's sealed card. Reading it is an error, not a card.
        try await store.sql.raw(
            "UPDATE orders SET sealed_card = (SELECT sealed_card FROM orders WHERE topup_id = \(bind: orders[0])) WHERE topup_id = \(bind: orders[2])"
        ).run()
        let thief = try await CustomerToken.hs256(subject: "u2", secret: jwtSecret)
        let (tamperStatus, tamperBody) = try HTTPProbe.request(
            "GET", server.base + "/api/internet-orders/\(orders[2])/card", headers: ["Authorization": "Bearer \(thief)"]
        )
        #expect(tamperStatus == 500 && !codes.contains { tamperBody.contains($0) })
        keep("tamper error", tamperBody)
        keep("metrics", try HTTPProbe.request("GET", server.base + "/metrics", headers: admin).1)
        keep("serve log 1", server.stop())

        // Rotation to a new key, then the card read again under it.
        let rotated = [newKey.unsafeHex, oldKey.unsafeHex].joined(separator: ",")
        let rotation = try BitaqaProcess.run(
            ["keys", "rotate"], environment: environment.merging(["BITAQA_ENCRYPTION_KEYS": rotated]) { $1 })
        #expect(rotation.status == 1, "the tampered card is reported: \(rotation.stdout)")
        keep("rotate", rotation.stdout + rotation.stderr)
        environment["BITAQA_ENCRYPTION_KEYS"] = rotated
        server = try await ServerProcess.start(directory: directory.path, environment: environment)
        let (again, _) = try HTTPProbe.request(
            "GET", server.base + "/api/internet-orders/\(orders[0])/card", headers: ["Authorization": "Bearer \(buyer)"]
        )
        #expect(again == 200, "the card reads under the new key")
        keep("metrics 2", try HTTPProbe.request("GET", server.base + "/metrics", headers: admin).1)
        keep("serve log 2", server.stop())
        await store.shutdown()

        let export = try BitaqaProcess.run(["audit", "export"], environment: environment)
        #expect(
            export.stdout.contains("CARD_VIEWED") && export.stdout.contains("CARD_UNREADABLE")
                && export.stdout.contains("KEY_ROTATED"))
        keep("audit export", export.stdout + export.stderr)
        let verify = try BitaqaProcess.run(["audit", "verify"], environment: environment)
        #expect(verify.status == 0, "\(verify.stdout)")
        keep("audit verify", verify.stdout + verify.stderr)
        if let checkpoint = FileManager.default.contents(atPath: directory.path + "/audit-checkpoint.json") {
            places["checkpoint"] = Array(checkpoint)
        }
        places.merge(try await CanarySearch.databaseContents(location)) { $1 }
        await drop()

        var canaries = [
            "admin token": adminToken, "upstream key": upstreamKey, "jwt secret": jwtSecret, "sms token": smsToken,
            "old key": oldKey.unsafeHex, "new key": newKey.unsafeHex, "buyer jwt": buyer,
        ]
        if let token { canaries["reveal token"] = token }
        for (index, code) in codes.enumerated() { canaries["card \(index)"] = code }
        #expect((places["serve log 1"]?.count ?? 0) > 10_000, "the trace log holds the flow")
        let hits = CanarySearch(canaries).hits(in: places)
        #expect(hits.isEmpty, "\(hits.joined(separator: "; "))")
        print(
            "whole flow (\(database)): \(places.count) outputs, \(places.values.map(\.count).reduce(0, +)) bytes searched for \(canaries.count) canaries: \(hits.count) hits"
        )
        sandbox.terminateIfRunning()
    }
}
