import BitaqaCore
import BitaqaTestSupport
import CardVault
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Reveal page for gift-card orders")
struct GiftCardCustomerRevealPageTests {
    typealias Seed = GiftCardCustomerSeed

    /// The link an email carries for the order: its key is `gc:<ref>`, as any order's key.
    static func path(_ ref: String, _ user: String = "alice") -> String {
        "/cards/" + RevealPageTests.token("gc:" + ref, user)
    }

    static func expectPageHeaders(_ response: TestResponse) {
        let policy = response.headers[HTTPField.Name("Content-Security-Policy")!] ?? ""
        #expect(policy.contains("default-src 'none'") && policy.contains("script-src 'sha256-"))
        #expect(!policy.contains("'unsafe-inline'"))
        #expect(response.headers[.cacheControl] == "no-store")
        #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
        #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
    }

    @Test(
        "the landing shows the order and no code; the button shows every code, serial, copy button and step",
        arguments: [("shop-1", CustomerLocale.en), ("shop-fr", .fr), ("shop-ar", .ar)])
    func reveal(ref: String, locale: CustomerLocale) async throws {
        try await TestApp.run(settings: CustomerAPITests.settings, seed: Seed.seed) { client, _ in
            let landing = try await client.execute(uri: Self.path(ref), method: .get)
            #expect(landing.status == .ok)
            let before = String(buffer: landing.body)
            #expect(Seed.canaries.values.allSatisfy { !before.contains($0) })
            #expect(before.contains(#"<form method="post""#) && before.contains(Seed.productTitle))
            #expect(before.contains(Seed.typeName) && before.contains(#"<bdi dir="ltr">3</bdi>"#))
            #expect(before.contains(#"lang="\#(locale.rawValue)""#))
            #expect(before.contains(#"dir="rtl""#) == locale.isRightToLeft)

            let shown = try await client.execute(uri: Self.path(ref), method: .post, headers: [.userAgent: "Browser/1"])
            #expect(shown.status == .ok)
            let page = String(buffer: shown.body)
            for position in 1...3 {
                // Codes and serials read left to right in every language, Arabic included.
                #expect(page.contains(#"<bdi dir="ltr">\#(Seed.code(ref, position))</bdi>"#))
                #expect(page.contains(#"<bdi dir="ltr">\#(Seed.serial(ref, position))</bdi>"#))
                #expect(page.contains(#"data-copy="code-\#(position)""#))
                #expect(page.contains(#"id="code-\#(position)""#))
            }
            let steps = GiftCardRedemption.steps(productId: Seed.productId, title: Seed.productTitle, locale: locale)
            #expect(steps.count >= 2)
            if locale != .ar { #expect(steps.allSatisfy { page.contains(BidiText.escape($0)) }) }
            #expect(page.contains("<script>"))
            for response in [landing, shown] { Self.expectPageHeaders(response) }

            let audit = try await client.execute(
                uri: "/v1/audit?order=gc:\(ref)", method: .get, headers: .admin(json: false))
            let viewed = (audit.json?["events"] as? [[String: Any]] ?? []).filter {
                $0["kind"] as? String == "CARD_VIEWED"
            }
            #expect(viewed.count == 1)
            let details = viewed.first?["details"] as? [String: String]
            #expect(details?["channel"] == "web" && details?["product"] == "gift-card" && details?["cards"] == "3")
        }
    }

    @Test("a partial fill says how many came and that the rest went back to the shop; it shows only those")
    func partial() async throws {
        try await TestApp.run(settings: CustomerAPITests.settings, seed: Seed.seed) { client, _ in
            let landing = String(buffer: try await client.execute(uri: Self.path("shop-part"), method: .get).body)
            #expect(landing.contains(#"Cards delivered: <bdi dir="ltr">2</bdi> of <bdi dir="ltr">3</bdi>"#))
            #expect(landing.contains("contact the shop") && landing.contains("<form"))
            let page = String(buffer: try await client.execute(uri: Self.path("shop-part"), method: .post).body)
            #expect(page.contains(Seed.code("shop-part", 1)) && page.contains(Seed.code("shop-part", 2)))
            #expect(page.contains(Seed.serial("shop-part", 1)) && !page.contains(#"data-copy="code-3""#))
        }
    }

    @Test("no cards: no button, the page says wait or contact the shop, and a POST shows the same")
    func noCards() async throws {
        try await TestApp.run(settings: CustomerAPITests.settings, seed: Seed.seed) { client, _ in
            for (ref, says) in [("shop-wait", "please wait"), ("shop-refund", "Veuillez contacter la boutique")] {
                for method in [HTTPRequest.Method.get, .post] {
                    let response = try await client.execute(uri: Self.path(ref), method: method)
                    let page = String(buffer: response.body)
                    #expect(response.status == .ok && !page.contains("<form") && page.contains(says))
                }
            }
        }
    }

    @Test("another buyer's link is the invalid page, with no code")
    func foreign() async throws {
        try await TestApp.run(settings: CustomerAPITests.settings, seed: Seed.seed) { client, _ in
            for method in [HTTPRequest.Method.get, .post] {
                let response = try await client.execute(uri: Self.path("shop-bob", "alice"), method: method)
                #expect(response.status == .notFound)
                let page = String(buffer: response.body)
                #expect(page.contains("expired") && Seed.canaries.values.allSatisfy { !page.contains($0) })
            }
        }
    }

    @Test("no code or serial in the log, the audit trail or a list, whatever was shown")
    func canaries() async throws {
        let logs = LogCapture()
        // Every level logged: a code must not appear even in a trace line.
        let settings = CustomerAPITests.settings.merging(["BITAQA_LOG_LEVEL": "trace"]) { $1 }
        try await TestApp.run(settings: settings, logs: logs, seed: Seed.seed) { client, directory in
            var places: [String: [UInt8]] = [:]
            for ref in ["shop-1", "shop-ar", "shop-part"] {
                let api = try await GiftCardCustomerAPITests.get(client, "/api/gift-card-orders/\(ref)/cards")
                #expect(api.status == .ok)
                let page = try await client.execute(uri: Self.path(ref), method: .post)
                #expect(String(buffer: page.body).contains(Seed.code(ref, 1)))
            }
            _ = try await GiftCardCustomerAPITests.get(client, "/api/gift-card-orders/shop-bob/cards")
            let list = try await GiftCardCustomerAPITests.get(client, "/api/gift-card-orders")
            places["list"] = Array(list.body.readableBytesView)
            let events = try await TestApp.auditEvents(in: directory)
            places["audit"] = Array("\(events)".utf8)
            places["log"] = Array(logs.text.utf8)
            #expect(!logs.text.isEmpty)
            #expect(CanarySearch(Seed.canaries).hits(in: places) == [])
        }
    }
}
