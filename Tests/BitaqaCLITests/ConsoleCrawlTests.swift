import BitaqaCore
import BitaqaTestSupport
import CardVault
import Foundation
import Orders
import Testing

/// Issue 31: headless Chromium walks every console page in French, Arabic and English at desktop and
/// phone width, follows every link, submits every form with good and bad values, screenshots to
/// `docs/images/`, and measures on screen that left-to-right runs (masked phones, ids, `*600#`) read left
/// to right in the Arabic order page, reveal page, email and SMS (`scripts/browser/console_crawl.py`).
@Suite("Console crawl in Chromium")
struct ConsoleCrawlTests {
    static let admin = "console-crawl-admin-token-01"
    static let key = String(repeating: "6e", count: 32)

    @Test(
        "every console page and form in three languages and two widths stays a console page; Arabic runs read left to right"
    )
    func crawl() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let python = environment["BITAQA_TEST_BROWSER_PYTHON"] else {
            #expect(environment["BITAQA_TEST_REQUIRE_POSTGRES"] != "1", "scripts/test must provide the browser")
            return
        }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let shots = Reliability.repository.appendingPathComponent("docs/images").path
        let (location, drop) = try await TestDatabase.sqlite.makeLocation(in: directory)
        let mail = try await FaultyMailServer.start(in: directory)
        defer { mail.stop() }
        try mail.set(mode: "accept", reject: ["bounce@shop.dz"])
        var settings = mail.environment
        settings.merge([
            "BITAQA_DATA_DIR": directory.path, "BITAQA_DATABASE_URL": TestDatabase.url(of: location),
            "ENCRYPTION_KEY": Self.key, "BITAQA_ADMIN_TOKEN": Self.admin, "BITAQA_RATE_LIMIT_ADDRESS": "0",
            "BITAQA_POLL_INTERVAL": "0.1", "BITAQA_SANDBOX_RESOLVE_MIN": "0.1", "BITAQA_SANDBOX_RESOLVE_MAX": "0.2",
            "BITAQA_DELIVERY_MAX_ATTEMPTS": "1", "BITAQA_SHOP_NAME": "Boutique Ennasr",
        ]) { $1 }
        let server = try await ServerProcess.start(directory: directory.path, environment: settings)
        defer { _ = server.stop() }

        func place(_ json: String) throws -> String {
            let (status, body) = try HTTPProbe.request(
                "POST", server.base + "/v1/orders/send",
                headers: ["Authorization": "Bearer \(Self.admin)", "Content-Type": "application/json"], body: json)
            #expect(status == 201, "\(body)")
            let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
            return try #require(object?["topupId"] as? String, "\(body)")
        }
        func wait(_ topupId: String, for text: String) async throws -> Bool {
            for _ in 0..<150 {
                let (_, order) = try HTTPProbe.request(
                    "GET", server.base + "/v1/orders/\(topupId)", headers: ["Authorization": "Bearer \(Self.admin)"])
                if order.contains(text) { return true }
                try await Task.sleep(for: .milliseconds(100))
            }
            return false
        }
        // Delivered by email and SMS, in Arabic; a bounced email; refunded; queued; an email-only Arabic
        // order whose reveal link the test signs as an email's would be.
        let delivered = try place(
            #"{"type":"ADSL","number":"036362608","value":1000,"userId":"buyer-ar","locale":"ar","email":"buyer-ar@shop.dz","phone":"0551234567"}"#
        )
        let bounced = try place(
            #"{"type":"ADSL","number":"036362608","value":1000,"userId":"buyer-fr","locale":"fr","email":"bounce@shop.dz","phone":"0661234567"}"#
        )
        let refunded = try place(
            #"{"type":"ADSL","number":"021000001","value":1000,"userId":"buyer-en","locale":"en","email":"refund@shop.dz"}"#
        )
        let queued = try place(
            #"{"type":"ADSL","number":"021000002","value":1000,"userId":"buyer-en","locale":"en","email":"queued@shop.dz"}"#
        )
        let revealed = try place(
            #"{"type":"ADSL","number":"036362608","value":2000,"userId":"buyer-reveal","locale":"ar","email":"reveal@shop.dz"}"#
        )
        #expect(try await wait(delivered, for: #""FULFILLED""#))
        #expect(try await wait(bounced, for: #""state":"failed""#), "the bounced email ended failed")
        #expect(try await wait(refunded, for: #""REFUNDED""#))
        #expect(try await wait(revealed, for: #""FULFILLED""#))
        _ = queued
        var smsWritten = false
        for _ in 0..<100 where !smsWritten {
            smsWritten = !((try? FileManager.default.contentsOfDirectory(atPath: directory.path + "/outbox/sms")) ?? [])
                .isEmpty
            if !smsWritten { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(smsWritten, "the Arabic SMS reached the development outbox")

        let ring = try KeyRing(keys: [SecretBytes(hex: Self.key, byteCount: 32)!])
        let binding = ContactBinder(ring: ring).bind(
            topupId: TopupID(revealed)!, userId: UserID("buyer-reveal")!, email: "reveal@shop.dz", phone: nil,
            channels: [.email])
        let token = RevealTokens(ring: ring).issue(
            topupId: TopupID(revealed)!, userId: UserID("buyer-reveal")!,
            expiresAt: Int64(Date().timeIntervalSince1970 * 1000) + 600_000, contactBinding: binding.mac)

        let run = try BrowserScript.run(
            python: python, "console_crawl.py",
            [
                server.base, Self.admin, delivered, server.base + "/cards/" + token, mail.directory + "/spool",
                directory.path + "/outbox/sms", shots,
            ], timeout: .seconds(900))
        #expect(run.status == 0, "\(run.stderr.suffix(2_000))")
        let result = try #require(run.result, "\(run.stdout.suffix(2_000)) \(run.stderr.suffix(2_000))")
        let failures = result["failures"] as? [String] ?? ["no failures list"]
        for failure in failures { Issue.record("console crawl: \(failure)") }
        #expect(result["signedIn"] as? Bool == true)
        #expect(result["signedOut"] as? Bool == true)
        #expect((result["outsideLinks"] as? [String])?.isEmpty == true, "\(result["outsideLinks"] ?? "")")
        #expect((result["consoleErrors"] as? [String])?.isEmpty == true, "\(result["consoleErrors"] ?? "")")
        let pages = result["pages"] as? [String: [String]] ?? [:]
        #expect(pages.count == 6, "\(pages.keys.sorted())")
        for (name, visited) in pages.sorted(by: { $0.key < $1.key }) {
            #expect(visited.count >= 12, "\(name) visited only \(visited)")
            print("console crawl \(name): \(visited.count) pages")
        }
        let forms = result["forms"] as? [[String: Any]] ?? []
        #expect(forms.count >= 30, "\(forms.count) forms submitted")
        #expect((result["formsNotSubmitted"] as? [String])?.isEmpty == true, "\(result["formsNotSubmitted"] ?? "")")
        print("console crawl: \(forms.count) forms submitted, forms seen \(result["formsSeen"] ?? "")")
        // The measured runs: every one read left to right, and *600# was found on each surface.
        let measurements = result["measurements"] as? [String: Any] ?? [:]
        for surface in ["Arabic reveal page", "Arabic email", "Arabic SMS", "Arabic order page phone"] {
            let entries = measurements[surface] as? [[String: Any]] ?? []
            #expect(!entries.isEmpty, "\(surface) measured")
            #expect(entries.allSatisfy { $0["leftToRight"] as? Bool == true }, "\(surface): \(entries)")
            print("measured \(surface): \(entries.map { "\($0["text"] ?? "") -> \($0["onScreen"] ?? "")" })")
        }
        #expect(
            (measurements["Arabic order page phone"] as? [[String: Any]])?.allSatisfy {
                ($0["onScreen"] as? String)?.hasPrefix("+213") == true
            } == true)
        for surface in ["Arabic reveal page", "Arabic email", "Arabic SMS"] {
            #expect(
                (measurements[surface] as? [[String: Any]])?.contains { $0["onScreen"] as? String == "*600#" } == true,
                "\(surface) shows *600# in that order")
        }
        for (surface, entries) in measurements.sorted(by: { $0.key < $1.key }) {
            guard let entries = entries as? [[String: Any]] else { continue }
            let wrong = entries.filter { $0["leftToRight"] as? Bool != true }
            print("measured \(surface): \(entries.count) runs, \(wrong.count) out of order")
        }
        for form in forms { print("submitted \(form["form"] ?? ""): \(form["status"] ?? "") \(form["error"] ?? "")") }
        let screenshots = result["screenshots"] as? [String] ?? []
        #expect(screenshots.count == 9, "\(screenshots)")
        for file in screenshots { #expect(FileManager.default.fileExists(atPath: shots + "/" + file)) }
        await drop()
    }
}
