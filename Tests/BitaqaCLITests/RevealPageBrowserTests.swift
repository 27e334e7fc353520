import BitaqaCore
import BitaqaTestSupport
import CardVault
import Foundation
import Orders
import Testing

/// The reveal page in a real browser: headless Chromium through Selenium, started by `scripts/test`
/// (which installs both and sets `BITAQA_TEST_BROWSER_PYTHON`). Screenshots go to
/// `BITAQA_TEST_ARTIFACTS` (scripts/test: `.build/test-artifacts`).
@Suite("Reveal page in Chromium")
struct RevealPageBrowserTests {
    static let key = String(repeating: "4c", count: 32)
    static let jwtSecret = String(repeating: "j", count: 40)
    static let admin = "browser-admin-token-001"

    static let shopName = "Boutique Ennasr"

    @Test(
        "the code is absent until the click, then shown and copyable; Arabic reads right to left; the page and the email name the shop and speak the buyer's language"
    )
    func browser() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let python = environment["BITAQA_TEST_BROWSER_PYTHON"] else {
            #expect(environment["BITAQA_TEST_REQUIRE_POSTGRES"] != "1", "scripts/test must provide the browser")
            return
        }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let artifacts = environment["BITAQA_TEST_ARTIFACTS"] ?? directory.path
        try FileManager.default.createDirectory(atPath: artifacts, withIntermediateDirectories: true)
        let server = try await ServerProcess.start(
            directory: directory.path,
            environment: [
                "BITAQA_DATA_DIR": directory.path, "ENCRYPTION_KEY": Self.key, "BITAQA_ADMIN_TOKEN": Self.admin,
                "BITAQA_JWT_SECRET": Self.jwtSecret, "BITAQA_POLL_INTERVAL": "0.05",
                "BITAQA_SANDBOX_RESOLVE_MIN": "0.05", "BITAQA_SANDBOX_RESOLVE_MAX": "0.2",
                // Every request of this test comes from 127.0.0.1; the per-address limit is tested elsewhere.
                "BITAQA_RATE_LIMIT_ADDRESS": "0",
                "BITAQA_SHOP_NAME": Self.shopName, "BITAQA_SHOP_URL": "https://ennasr.example",
                "BITAQA_SHOP_SUPPORT": "+213 555 12 34 56",
            ])
        defer { _ = server.stop() }
        let ring = try KeyRing(keys: [SecretBytes(hex: Self.key, byteCount: 32)!])
        let tokens = RevealTokens(ring: ring)
        let binder = ContactBinder(ring: ring)
        for locale in ["ar", "fr", "en"] {
            let (status, body) = try HTTPProbe.request(
                "POST", server.base + "/v1/orders/send",
                headers: ["Authorization": "Bearer \(Self.admin)", "Content-Type": "application/json"],
                body:
                    #"{"type":"ADSL","number":"036362608","value":1000,"userId":"buyer-\#(locale)","locale":"\#(locale)","email":"buyer-\#(locale)@example.com"}"#
            )
            #expect(status == 201)
            let order = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
            let topupId = try #require(order?["topupId"] as? String)
            let jwt = try await CustomerToken.hs256(subject: "buyer-\(locale)", secret: Self.jwtSecret, expiresIn: 300)
            // Wait through the merchant API, then read the card once as its buyer.
            for _ in 0..<300 {
                let (_, orderBody) = try HTTPProbe.request(
                    "GET", server.base + "/v1/orders/\(topupId)", headers: ["Authorization": "Bearer \(Self.admin)"])
                if orderBody.contains("\"FULFILLED\"") { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            let (_, cardBody) = try HTTPProbe.request(
                "GET", server.base + "/api/internet-orders/\(topupId)/card", headers: ["Authorization": "Bearer \(jwt)"]
            )
            let code =
                ((try? JSONSerialization.jsonObject(with: Data(cardBody.utf8))) as? [String: Any])?["cardCode"]
                as? String ?? ""
            #expect(code.count == 12)
            // A link names the order's contact binding, as the one in an email does.
            let binding = binder.bind(
                topupId: TopupID(topupId)!, userId: UserID("buyer-\(locale)")!, email: "buyer-\(locale)@example.com",
                phone: nil, channels: [.email])
            let token = tokens.issue(
                topupId: TopupID(topupId)!, userId: UserID("buyer-\(locale)")!,
                expiresAt: Int64(Date().timeIntervalSince1970 * 1000) + 600_000, contactBinding: binding.mac)
            let screenshot = artifacts + "/reveal-\(locale).png"
            let run = try BrowserScript.run(
                python: python, "reveal_page.py", [server.base + "/cards/" + token, code, screenshot])
            #expect(run.status == 0, "\(run.stderr.suffix(2_000))")
            let result = try #require(run.result, "\(run.stdout)")
            #expect(result["codeBeforeClick"] as? Bool == false)
            #expect(result["shownCode"] as? String == code)
            #expect(result["selectable"] as? String == "all")
            #expect(result["dir"] as? String == (locale == "ar" ? "rtl" : "ltr"))
            #expect(result["fitsWidth"] as? Bool == true)
            #expect((result["consoleErrors"] as? [String])?.isEmpty == true, "\(result["consoleErrors"] ?? "")")
            #expect(FileManager.default.fileExists(atPath: screenshot))
            let buyerLocale = CustomerLocale(rawValue: locale)!
            let statusText = OrderStatus.fulfilled.localized(buyerLocale)
            // Browsers may give no-break spaces back as plain ones; compare with all spaces plain.
            func plain(_ text: String) -> String {
                text.replacingOccurrences(of: "\u{00A0}", with: " ").replacingOccurrences(of: "\u{202F}", with: " ")
            }
            let amount = plain(DinarAmount.text(1_000, locale: buyerLocale))
            let text = plain(result["text"] as? String ?? "")
            #expect(text.contains(Self.shopName) && text.contains(statusText) && text.contains(amount), "\(text)")
            #expect(!text.contains("FULFILLED") && !text.contains("1000 DA"), "\(text)")
            #expect((result["title"] as? String ?? "").hasPrefix(Self.shopName))
            print("reveal page screenshot (\(locale)): \(screenshot)")

            // The card's email, as the buyer's mail reader would show it.
            let outbox = directory.path + "/outbox/email"
            var eml: String?
            for _ in 0..<100 {
                eml = (try? FileManager.default.contentsOfDirectory(atPath: outbox))?.first {
                    $0.hasPrefix(topupId) && $0.hasSuffix(".eml")
                }
                if eml != nil { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            let message = try #require(eml, "the card email of \(topupId) reached the outbox")
            let emailShot = artifacts + "/email-\(locale).png"
            let rendered = try BrowserScript.run(
                python: python, "email_render.py", [outbox + "/" + message, emailShot])
            #expect(rendered.status == 0, "\(rendered.stderr.suffix(2_000))")
            let email = try #require(rendered.result, "\(rendered.stdout)")
            #expect((email["subject"] as? String ?? "").hasPrefix(Self.shopName))
            #expect(email["fromName"] as? String == Self.shopName)
            #expect(email["dir"] as? String == (locale == "ar" ? "rtl" : "ltr"))
            #expect(email["hasScript"] as? Bool == false && email["externalStyle"] as? Bool == false)
            #expect(email["fitsWidth"] as? Bool == true)
            let emailText = plain(email["text"] as? String ?? "")
            #expect(
                emailText.contains(Self.shopName) && emailText.contains(statusText) && emailText.contains(amount)
                    && emailText.contains(code) && emailText.contains("+213 555 12 34 56"), "\(emailText)")
            #expect(FileManager.default.fileExists(atPath: emailShot))
            print("email screenshot (\(locale)): \(emailShot)")
        }
    }
}
