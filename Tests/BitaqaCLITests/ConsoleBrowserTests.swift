import BitaqaTestSupport
import Foundation
import Testing

/// The merchant console in headless Chromium (Selenium, as the reveal page's test), against `serve` with
/// its in-process sandbox and the test mail server. Screenshots of every page in three languages go to
/// `BITAQA_TEST_ARTIFACTS/console/`.
@Suite("Console in Chromium")
struct ConsoleBrowserTests {
    static let admin = "console-admin-token-0001"

    @Test(
        "sign in, find an order by phone, resend its failed email (it arrives), check now, correct the phone, reconcile, every page in three languages, sign out",
        arguments: TestDatabase.available)
    func browser(database: TestDatabase) async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let python = environment["BITAQA_TEST_BROWSER_PYTHON"] else {
            #expect(environment["BITAQA_TEST_REQUIRE_POSTGRES"] != "1", "scripts/test must provide the browser")
            return
        }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let shots = (environment["BITAQA_TEST_ARTIFACTS"] ?? directory.path) + "/console/\(database)"
        try FileManager.default.createDirectory(atPath: shots, withIntermediateDirectories: true)
        let (location, drop) = try await database.makeLocation(in: directory)
        let mail = try await FaultyMailServer.start(in: directory)
        defer { mail.stop() }
        try mail.set(mode: "accept", reject: ["bounce@shop.dz"])
        var settings = mail.environment
        settings.merge([
            "BITAQA_DATA_DIR": directory.path, "BITAQA_DATABASE_URL": TestDatabase.url(of: location),
            "ENCRYPTION_KEY": String(repeating: "5d", count: 32), "BITAQA_ADMIN_TOKEN": Self.admin,
            "BITAQA_POLL_INTERVAL": "0.1", "BITAQA_SANDBOX_RESOLVE_MIN": "0.1", "BITAQA_SANDBOX_RESOLVE_MAX": "0.2",
            "BITAQA_DELIVERY_MAX_ATTEMPTS": "1",
        ]) { $1 }
        let server = try await ServerProcess.start(directory: directory.path, environment: settings)
        defer { _ = server.stop() }
        let (status, body) = try HTTPProbe.request(
            "POST", server.base + "/v1/orders/send",
            headers: ["Authorization": "Bearer \(Self.admin)", "Content-Type": "application/json"],
            body:
                #"{"type":"ADSL","number":"036362608","value":1000,"userId":"buyer-1","email":"bounce@shop.dz","phone":"0551234567"}"#
        )
        #expect(status == 201)
        let topupId = try #require(
            (try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["topupId"] as? String)
        var failed = false
        for _ in 0..<100 where !failed {
            let (_, order) = try HTTPProbe.request(
                "GET", server.base + "/v1/orders/\(topupId)", headers: ["Authorization": "Bearer \(Self.admin)"])
            failed = order.contains(#""state":"failed""#)
            if !failed { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(failed, "the bounced email ended failed")
        // The mailbox is fixed: the resend from the console now gets through.
        try mail.set(mode: "accept", reject: [])
        let acceptedBefore = mail.events().filter { $0.event == "accepted" }.count

        let run = try BrowserScript.run(
            python: python, "console.py", [server.base, Self.admin, topupId, "0551234567", shots, Self.admin])
        #expect(run.status == 0, "\(run.stderr.suffix(2_000))")
        let result = try #require(run.result, "\(run.stdout)")
        #expect(result["redirectedToLogin"] as? Bool == true && result["signedIn"] as? Bool == true)
        #expect(result["foundByPhone"] as? [String] == [topupId])
        #expect((result["notices"] as? [String])?.count == 3)
        // Resend and correct say done; check now says what it found.
        #expect(
            (result["notices"] as? [String])?.allSatisfy { $0 == "Done." || $0.hasPrefix("Checked. Current status: ") }
                == true, "\(result["notices"] ?? "")")
        #expect((result["notices"] as? [String])?.contains { $0.hasPrefix("Checked. Current status: ") } == true)
        #expect(result["orderPageShowsActions"] as? Bool == true)
        #expect(result["reconciliationRan"] as? Bool == true)
        #expect(result["signedOut"] as? Bool == true)
        #expect((result["canariesFound"] as? [String])?.isEmpty == true, "\(result["canariesFound"] ?? "")")
        #expect(result["unlabelled"] as? Int == 0, "every field has a label")
        #expect((result["consoleErrors"] as? [String])?.isEmpty == true, "\(result["consoleErrors"] ?? "")")
        let pages = try #require(result["pages"] as? [String: [String: Any]])
        #expect(pages.count == 18)
        for (name, page) in pages {
            #expect(page["dir"] as? String == (name.hasSuffix("-ar") ? "rtl" : "ltr"), "\(name)")
            #expect(page["fitsWidth"] as? Bool == true, "\(name) is wider than a phone")
            #expect(FileManager.default.fileExists(atPath: "\(shots)/console-\(name).png"))
        }
        // The resent email reached the mail server.
        var arrived = false
        for _ in 0..<50 where !arrived {
            arrived = mail.events().filter { $0.event == "accepted" }.count > acceptedBefore
            if !arrived { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(arrived, "the resent email arrived at the test SMTP server")
        // The phone the console corrected is the order's own: the merchant API shows it as corrected.
        let (_, order) = try HTTPProbe.request(
            "GET", server.base + "/v1/orders/\(topupId)", headers: ["Authorization": "Bearer \(Self.admin)"])
        #expect(order.contains(#""phone":"+213771234567""#), "the order object carries the corrected phone")
        await drop()
    }
}
