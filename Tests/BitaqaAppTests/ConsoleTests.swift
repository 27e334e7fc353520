import BitaqaCore
import BitaqaTestSupport
import CardVault
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Orders
import Storage
import Testing

@Suite("Merchant console over HTTP")
struct ConsoleTests {
    static let code = "998877665544"

    /// A fulfilled order with a card and a phone, a handling one, and one whose email a database writer
    /// rewrote after registration; all bound as the merchant API binds them.
    static func seed(_ store: Store) async throws {
        let orders = SQLOrderRepository(store: store)
        let binder = ContactBinder(ring: try KeyRing(keys: [CustomerAPITests.key]))
        for (id, phone) in [
            ("con-full", "+213551234567"), ("con-wait", "+213661234567"), ("con-tampered", "+213771234567"),
        ] {
            _ = try await orders.register(
                binder.bound(
                    NewOrder(
                        topupId: TopupID(id)!, topupRef: "ref-\(id)", userId: UserID("buyer")!, number: "036362608",
                        value: 1000, email: "buyer@shop.dz", phone: phone, locale: .fr, channels: [.email, .sms],
                        fingerprint: id)),
                now: TimeSource.system.now(), firstCheckAt: TimeSource.system.now() + 3_600_000)
        }
        try await store.sql.raw("UPDATE orders SET email = 'attacker@evil.dz' WHERE topup_id = 'con-tampered'").run()
        let vault = CardVault(keyRing: try KeyRing(keys: [CustomerAPITests.key]))
        try await CardStoring.store(
            CardCode(code), for: TopupID("con-full")!, transactionNumber: "AT-1", processedDate: nil, vault: vault,
            in: store)
    }

    static func cookie(_ response: TestResponse) -> String? {
        response.headers[.setCookie]?.split(separator: ";").first.map(String.init)
    }

    static func get(_ client: any TestClientProtocol, _ path: String, cookie: String?, language: String? = nil)
        async throws -> TestResponse
    {
        var headers: HTTPFields = [:]
        if let cookie { headers[.cookie] = cookie }
        if let language { headers[.acceptLanguage] = language }
        return try await client.execute(uri: path, method: .get, headers: headers)
    }

    static func post(_ client: any TestClientProtocol, _ path: String, cookie: String?, form: String) async throws
        -> TestResponse
    {
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let cookie { headers[.cookie] = cookie }
        return try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: form))
    }

    /// The CSRF token of the page's last form (an action form, not the layout's sign-out form); nil
    /// when a form carries none.
    static func csrf(_ html: String) -> String? {
        let values = html.components(separatedBy: #"name="csrf" value=""#).dropFirst().map {
            String($0.prefix { $0 != "\"" })
        }
        guard let last = values.last, !last.isEmpty, values.allSatisfy({ $0 == last }) else { return nil }
        return last
    }

    @Test(
        "sign in, search by phone, open an order, resend, check, correct a phone, sign out; CSRF and sessions enforced; no card code on any page",
        arguments: TestDatabase.available)
    func flow(database: TestDatabase) async throws {
        try await TestApp.run(on: database, settings: CustomerAPITests.settings, seed: Self.seed) { client, _ in
            let anonymous = try await Self.get(client, "/console", cookie: nil)
            #expect(anonymous.status == .seeOther && anonymous.headers[.location] == "/console/login")
            let wrong = try await Self.post(client, "/console/login", cookie: nil, form: "token=nope")
            #expect(wrong.status == .unauthorized && !String(buffer: wrong.body).contains("nope"))
            let signedIn = try await Self.post(
                client, "/console/login", cookie: nil, form: "token=\(TestApp.adminToken)")
            #expect(signedIn.status == .seeOther)
            let setCookie = signedIn.headers[.setCookie] ?? ""
            #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict"))
            let cookie = try #require(Self.cookie(signedIn))

            var pages: [String] = []
            let overview = try await Self.get(client, "/console", cookie: cookie)
            #expect(overview.status == .ok)
            let csp = overview.headers[.contentSecurityPolicy] ?? ""
            #expect(csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"))
            #expect(overview.headers[.cacheControl] == "no-store")
            pages.append(String(buffer: overview.body))
            #expect(String(buffer: overview.body).contains("intact"), "the overview shows the audit self-check")
            let found = try await Self.get(client, "/console/orders?q=0551234567", cookie: cookie)
            let list = String(buffer: found.body)
            pages.append(list)
            #expect(list.contains("con-full") && !list.contains("con-wait"))
            let orderPage = try await Self.get(client, "/console/orders/con-full", cookie: cookie)
            let html = String(buffer: orderPage.body)
            pages.append(html)
            #expect(html.contains("CARD_STORED") && !html.contains("buyer@shop.dz"), "contacts are masked")
            let token = try #require(Self.csrf(html))

            let noToken = try await Self.post(
                client, "/console/orders/con-full/resend", cookie: cookie, form: "channel=email")
            #expect(noToken.status == .forbidden)
            let badToken = try await Self.post(
                client, "/console/orders/con-full/resend", cookie: cookie, form: "channel=email&csrf=forged")
            #expect(badToken.status == .forbidden)
            let resent = try await Self.post(
                client, "/console/orders/con-full/resend", cookie: cookie, form: "channel=email&csrf=\(token)")
            #expect(resent.status == .seeOther && resent.headers[.location] == "/console/orders/con-full?notice=done")
            let checked = try await Self.post(
                client, "/console/orders/con-wait/check", cookie: cookie, form: "csrf=\(token)")
            #expect(checked.status == .seeOther)
            let corrected = try await Self.post(
                client, "/console/orders/con-wait/contact", cookie: cookie, form: "phone=0771234567&csrf=\(token)")
            #expect(corrected.status == .seeOther)
            let after = String(
                buffer: try await Self.get(client, "/console/orders/con-wait?notice=done", cookie: cookie).body)
            pages.append(after)
            #expect(after.contains("CHECK_REQUESTED") && after.contains("CONTACT_CHANGED") && after.contains("console"))
            let laundering = try await Self.post(
                client, "/console/orders/con-tampered/contact", cookie: cookie, form: "phone=0771234568&csrf=\(token)")
            #expect(laundering.headers[.location] == "/console/orders/con-tampered?notice=contactRefused")
            let refusedPage = String(
                buffer: try await Self.get(client, "/console/orders/con-tampered?notice=contactRefused", cookie: cookie)
                    .body)
            #expect(refusedPage.contains("modifiées hors de Bitaqa") && refusedPage.contains("CONTACT_CHANGE_REFUSED"))
            #expect(!refusedPage.contains("CONTACT_CHANGED"), "a tampered order's contact was re-bound")
            let resentPage = String(buffer: try await Self.get(client, "/console/orders/con-full", cookie: cookie).body)
            #expect(resentPage.contains("RESEND_REQUESTED") && resentPage.contains("session:"))

            let reconciled = try await Self.get(client, "/console/reconciliation?run=1", cookie: cookie)
            let reconciledHTML = String(buffer: reconciled.body)
            #expect(
                reconciled.status == .ok && reconciledHTML.contains("dans Bitaqa, absent chez OneClickDz"),
                "seeded orders the sandbox never sold")
            let badWindow = String(
                buffer: try await Self.get(client, "/console/reconciliation?run=1&from=soon", cookie: cookie).body)
            #expect(badWindow.contains(#"class="error""#))
            let webhooks = try await Self.get(client, "/console/webhooks", cookie: cookie)
            #expect(webhooks.status == .ok && String(buffer: webhooks.body).contains("BITAQA_WEBHOOK_URL"))
            let health = String(buffer: try await Self.get(client, "/console/health", cookie: cookie).body)
            #expect(health.contains("SANDBOX") && health.contains("#"), "\(health.suffix(600))")
            pages += [reconciledHTML, String(buffer: webhooks.body), health]

            let arabic = try await Self.get(client, "/console/orders?lang=ar", cookie: cookie)
            #expect(arabic.status == .seeOther)
            let languageCookie = try #require(Self.cookie(arabic))
            let rtl = String(
                buffer: try await Self.get(client, "/console/orders", cookie: cookie + "; " + languageCookie).body)
            #expect(rtl.contains(#"dir="rtl""#) && rtl.contains("الطلبات"))
            let english = String(
                buffer: try await Self.get(client, "/console", cookie: cookie, language: "en-GB,en;q=0.8").body)
            #expect(english.contains(#"lang="en""#) && english.contains("orders by status"))
            pages += [rtl, english]
            for page in pages {
                #expect(!page.contains(Self.code), "a card code on a console page")
                #expect(!page.contains(TestApp.adminToken))
            }

            let out = try await Self.post(client, "/console/logout", cookie: cookie, form: "csrf=\(token)")
            #expect(out.status == .seeOther && out.headers[.setCookie]?.contains("Max-Age=0") == true)
            let stale = try await Self.get(client, "/console", cookie: cookie)
            #expect(stale.status == .seeOther && stale.headers[.location] == "/console/login")
            let staleAction = try await Self.post(
                client, "/console/orders/con-full/resend", cookie: cookie, form: "channel=email&csrf=\(token)")
            #expect(staleAction.status == .forbidden)
        }
    }

    @Test("sign-in attempts are limited per address; BITAQA_CONSOLE=false turns the console off")
    func limits() async throws {
        try await TestApp.run(settings: CustomerAPITests.settings) { client, _ in
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<11 {
                statuses.append(try await Self.post(client, "/console/login", cookie: nil, form: "token=x").status)
            }
            #expect(statuses.prefix(10).allSatisfy { $0 == .unauthorized } && statuses.last == .tooManyRequests)
        }
        try await TestApp.run(settings: CustomerAPITests.settings.merging(["BITAQA_CONSOLE": "false"]) { $1 }) {
            client, _ in
            let off = try await Self.get(client, "/console/login", cookie: nil)
            #expect(off.status == .notFound)
        }
    }
}
