import BitaqaCore
import BitaqaTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Orders
import Storage
import Testing

@testable import BitaqaHTTP

/// The console as the place a merchant runs the shop from: roles in the templates, the numbers of the
/// business, filters and CSV, a buyer's page, notes, bulk actions, and placing a top-up.
@Suite("Console: running the shop")
struct ConsoleShopTests {
    static func html(_ client: any TestClientProtocol, _ path: String, _ cookie: String) async throws -> String {
        let response = try await ConsoleTests.get(client, path, cookie: cookie)
        #expect(response.status == .ok, "\(path): \(response.status)")
        return String(buffer: response.body).replacingOccurrences(of: "&amp;", with: "&")
    }

    /// The order ids a list page links to.
    static func listed(_ html: String) -> Set<String> {
        Set(
            html.components(separatedBy: #"<a href="/console/orders/"#).dropFirst().map {
                String($0.prefix { $0 != "\"" && $0 != "?" })
            })
    }

    /// Places three orders on the sandbox (an ADSL 500 and a 4G 1000 delivered, an ADSL 2000 refunded).
    static func place(_ client: any TestClientProtocol) async throws -> [String] {
        var ids: [String] = []
        for (index, body) in [
            #"{"type":"ADSL","number":"036362608","value":500,"userId":"u-a","email":"one@shop.dz","phone":"0551234567"}"#,
            #"{"type":"4G","number":"213665983439","value":1000,"userId":"u-b","email":"two@shop.dz"}"#,
            #"{"type":"ADSL","number":"021000001","value":2000,"userId":"u-b","email":"refund@shop.dz"}"#,
        ].enumerated() {
            let sent = try await MerchantSendTests.send(
                client, body.replacingOccurrences(of: "}", with: #","ref":"shop-\#(index)"}"#))
            #expect(sent.status == .created, "\(String(buffer: sent.body))")
            ids.append(try #require(sent.json?["topupId"] as? String))
        }
        for id in ids.prefix(2) { #expect(!(try await MerchantSendTests.waitDelivered(client, id)).isEmpty) }
        for _ in 0..<300 {
            let order = try await client.execute(
                uri: "/v1/orders/\(ids[2])", method: .get, headers: .admin(json: false))
            if order.json?["status"] as? String == "REFUNDED" { break }
            try await Task.sleep(for: .milliseconds(30))
        }
        return ids
    }

    /// Today's Algiers date, as the date fields take it.
    static var today: String { ConsoleOverviewController.day(TimeSource.system.now()) }

    @Test("a viewer sees no action form, bulk button or note form; support sees them; the owner sees Staff and Send")
    func rolesInTemplates() async throws {
        try await TestApp.run(settings: CustomerAPITests.settings, seed: ConsoleTests.seed) { client, _ in
            let admin = try #require(try await StaffRolesTests.signIn(client, token: TestApp.adminToken))
            let viewerToken = try await StaffRolesTests.addMember(client, owner: admin, "vera", "viewer")
            let supportToken = try await StaffRolesTests.addMember(client, owner: admin, "sam", "support")
            let viewer = try #require(try await StaffRolesTests.signIn(client, token: viewerToken))
            let support = try #require(try await StaffRolesTests.signIn(client, token: supportToken))
            for path in ["/console/orders/con-full", "/console/orders", "/console/webhooks", "/console"] {
                let page = try await Self.html(client, path, viewer)
                let forms = page.components(separatedBy: #"<form method="post" action=""#).dropFirst()
                #expect(forms.allSatisfy { $0.hasPrefix("/console/logout") }, "\(path) as viewer")
                #expect(!page.contains(#"href="/console/staff""#) && !page.contains(#"href="/console/send""#))
            }
            let supportOrder = try await Self.html(client, "/console/orders/con-full", support)
            #expect(supportOrder.contains(#"action="/console/orders/con-full/notes""#))
            let supportList = try await Self.html(client, "/console/orders", support)
            #expect(supportList.contains(#"action="/console/orders/resend-failed""#))
            #expect(supportList.contains(#"action="/console/webhooks/retry-failed""#))
            #expect(!supportList.contains(#"href="/console/staff""#))
            let ownerPage = try await Self.html(client, "/console", admin)
            #expect(ownerPage.contains(#"href="/console/staff""#) && ownerPage.contains(#"href="/console/send""#))
            // The refusals stay: a viewer's bulk action is 403, as a console page.
            let csrf = try #require(ConsoleTests.csrf(try await Self.html(client, "/console/orders/con-full", viewer)))
            let refused = try await ConsoleTests.post(
                client, "/console/orders/resend-failed", cookie: viewer, form: "csrf=\(csrf)")
            ConsoleFormTests.expectConsolePage(refused, "bulk resend as viewer")
            ConsoleFormTests.expectConsolePage(
                try await ConsoleTests.get(client, "/console/send", cookie: support), "send page as support")
        }
    }

    @Test("the overview's figures agree with the orders and /v1/stats; stuck and failed link to the filtered list")
    func figures() async throws {
        try await TestApp.run(settings: MerchantSendTests.fast) { client, _ in
            _ = try await Self.place(client)
            let cookie = try #require(try await StaffRolesTests.signIn(client, token: TestApp.adminToken))
            let page = try await Self.html(client, "/console", cookie)
            let stats = try await client.execute(uri: "/v1/stats", method: .get, headers: .admin(json: false))
            let totals = try #require(stats.json?["totals"] as? [String: Any])
            for period in ["today", "week"] {
                #expect(page.contains(#"id="\#(period)-orders">3<"#), "\(period)")
                #expect(page.contains(#"id="\#(period)-delivered">2<"#) && totals["delivered"] as? Int == 2)
                #expect(page.contains(#"id="\#(period)-failed">1<"#) && totals["failed"] as? Int == 1)
                #expect(page.contains(#"id="\#(period)-face">\#(DinarAmount.text(1_500, locale: .fr))<"#))
            }
            #expect(page.contains("/console/orders?status=REFUNDED&from=\(Self.today)"))
            #expect(page.contains(#"id="stuck-HANDLING">0 "#))
            #expect(!page.contains(#"class="warn" role="alert""#), "no threshold, no banner")
            let refunded = try await Self.html(client, "/console/orders?status=REFUNDED&from=\(Self.today)", cookie)
            #expect(Self.listed(refunded).count == 1)
        }
    }

    @Test(
        "the low-balance banner shows when the known balance is below BITAQA_BALANCE_ALERT_BELOW; the balance's history is kept and shown"
    )
    func lowBalance() async throws {
        let settings = CustomerAPITests.settings.merging([
            "BITAQA_SANDBOX_BALANCE": "100", "BITAQA_BALANCE_ALERT_BELOW": "500", "BITAQA_BALANCE_REFRESH": "0.1",
        ]) { $1 }
        try await TestApp.run(settings: settings) { client, directory in
            let cookie = try #require(try await StaffRolesTests.signIn(client, token: TestApp.adminToken))
            var page = ""
            for _ in 0..<100 where !page.contains(#"id="balance-history""#) {
                page = try await Self.html(client, "/console", cookie)
                if !page.contains(#"id="balance-history""#) { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(page.contains(#"class="warn" role="alert""#) && page.contains("Solde OneClickDz bas"))
            #expect(page.contains("Solde des sept derniers jours"), "the balance's history is shown")
            let history = try #require(page.components(separatedBy: #"id="balance-history""#).last)
            #expect(history.contains("100"), "the reading of 100 DZD is in the history")
            let readings = try await Self.balanceReadings(in: directory)
            #expect(readings >= 1, "each read of the balance is kept")
        }
    }

    /// How many balance readings the SQLite database `TestApp.run` made holds.
    static func balanceReadings(in directory: TemporaryDirectory) async throws -> Int {
        let store = try await Store.open(
            .sqlite(path: directory.path + "/test.sqlite"), logger: TestDatabase.quietLogger)
        do {
            let count = try await Repositories(store: store).alerts.balances(since: 0).count
            await store.shutdown()
            return count
        } catch {
            await store.shutdown()
            throw error
        }
    }

    @Test("filters select the right orders and survive the next page; the console CSV is the API's; a buyer's page")
    func filtersCSVAndBuyer() async throws {
        try await TestApp.run(settings: MerchantSendTests.fast) { client, _ in
            let ids = try await Self.place(client)
            let cookie = try #require(try await StaffRolesTests.signIn(client, token: TestApp.adminToken))
            #expect(Self.listed(try await Self.html(client, "/console/orders?type=4G", cookie)) == [ids[1]])
            #expect(Self.listed(try await Self.html(client, "/console/orders?value=2000", cookie)) == [ids[2]])
            #expect(
                Self.listed(try await Self.html(client, "/console/orders?from=\(Self.today)&to=\(Self.today)", cookie))
                    == Set(ids))
            #expect(Self.listed(try await Self.html(client, "/console/orders?to=2020-01-01", cookie)).isEmpty)
            #expect(
                Self.listed(try await Self.html(client, "/console/orders?status=FULFILLED&type=ADSL", cookie))
                    == [ids[0]])
            #expect(
                try await ConsoleTests.get(client, "/console/orders?from=yesterday", cookie: cookie).status
                    == .badRequest)

            // One ADSL order a page: the next page keeps the filter and shows the other one.
            let first = try await Self.html(client, "/console/orders?type=ADSL&limit=1", cookie)
            let next = try #require(
                first.components(separatedBy: #"<p><a href=""#).last.map { String($0.prefix { $0 != "\"" }) })
            #expect(next.contains("type=ADSL") && next.contains("cursor="), "\(next)")
            let second = try await Self.html(client, next, cookie)
            #expect(Self.listed(first).count == 1 && Self.listed(second).count == 1)
            #expect(Self.listed(first).union(Self.listed(second)) == [ids[0], ids[2]])
            #expect(first.contains(#"href="/console/orders.csv?type=ADSL""#))

            // The CSV: the same text as the API's for the same filters.
            let midnight = try #require(Timestamp.parse(Self.today + "T00:00:00+01:00"))
            for (console, api) in [
                ("type=ADSL", "type=ADSL"), ("", ""), ("status=FULFILLED", "status=FULFILLED"),
                ("from=\(Self.today)", "from=\(Timestamp.iso8601(midnight))"),
            ] {
                let mine = try await ConsoleTests.get(client, "/console/orders.csv?\(console)", cookie: cookie)
                let theirs = try await client.execute(
                    uri: "/v1/orders.csv?\(api)", method: .get, headers: .admin(json: false))
                #expect(mine.status == .ok && mine.headers[.contentType] == "text/csv; charset=utf-8")
                #expect(String(buffer: mine.body) == String(buffer: theirs.body), "\(console)")
                #expect(String(buffer: mine.body).split(separator: "\r\n").count > 1)
            }
            #expect(try await ConsoleTests.get(client, "/console/orders.csv", cookie: nil).status == .seeOther)

            // The buyer's page: exactly their orders, contacts masked; the order page links to it.
            let buyer = try await Self.html(client, "/console/buyers/u-b", cookie)
            #expect(Self.listed(buyer) == [ids[1], ids[2]])
            #expect(!buyer.contains("two@shop.dz") && !buyer.contains("refund@shop.dz"))
            let order = try await Self.html(client, "/console/orders/\(ids[0])", cookie)
            #expect(order.contains(#"href="/console/buyers/u-a""#))
        }
    }

    @Test("notes: support adds one (escaped, with author and time), a viewer cannot, an empty one is refused")
    func notes() async throws {
        try await TestApp.run(settings: CustomerAPITests.settings, seed: ConsoleTests.seed) { client, _ in
            let admin = try #require(try await StaffRolesTests.signIn(client, token: TestApp.adminToken))
            let viewerToken = try await StaffRolesTests.addMember(client, owner: admin, "vera", "viewer")
            let supportToken = try await StaffRolesTests.addMember(client, owner: admin, "sam", "support")
            let support = try #require(try await StaffRolesTests.signIn(client, token: supportToken))
            let csrf = try #require(ConsoleTests.csrf(try await Self.html(client, "/console/orders/con-full", support)))
            let added = try await ConsoleTests.post(
                client, "/console/orders/con-full/notes", cookie: support,
                form: "text=%3Cb%3Ecalled%3C%2Fb%3E&csrf=\(csrf)")
            #expect(added.status == .seeOther)
            let page = try await Self.html(client, "/console/orders/con-full", support)
            #expect(page.contains("&lt;b&gt;called&lt;/b&gt;") && !page.contains("<b>called"))
            #expect(page.contains("staff:sam") && page.contains("<code>NOTE_ADDED</code>"))
            let empty = try await ConsoleTests.post(
                client, "/console/orders/con-full/notes", cookie: support, form: "text=%20&csrf=\(csrf)")
            let refusedPage = try await Self.html(client, try #require(empty.headers[.location]), support)
            #expect(refusedPage.contains("Une note fait de 1 à 2000 caractères"))

            let viewer = try #require(try await StaffRolesTests.signIn(client, token: viewerToken))
            let viewerPage = try await Self.html(client, "/console/orders/con-full", viewer)
            #expect(viewerPage.contains("&lt;b&gt;called&lt;/b&gt;"), "a viewer reads the notes")
            let viewerCSRF = try #require(ConsoleTests.csrf(viewerPage))
            let refused = try await ConsoleTests.post(
                client, "/console/orders/con-full/notes", cookie: viewer, form: "text=evil&csrf=\(viewerCSRF)")
            #expect(refused.status == .forbidden)
            #expect(!(try await Self.html(client, "/console/orders/con-full", admin)).contains("evil"))
        }
    }

    @Test("bulk: resend every failed card and retry every failed webhook, counted and audited")
    func bulk() async throws {
        try await TestApp.run(settings: CustomerAPITests.settings, seed: ConsoleLanguageTests.seed) { client, _ in
            let cookie = try #require(try await StaffRolesTests.signIn(client, token: TestApp.adminToken))
            let csrf = try #require(ConsoleTests.csrf(try await Self.html(client, "/console/orders/con-full", cookie)))
            let resent = try await ConsoleTests.post(
                client, "/console/orders/resend-failed", cookie: cookie, form: "csrf=\(csrf)")
            #expect(resent.status == .seeOther && resent.headers[.location] == "/console/orders?bulk=resent&count=1")
            let notice = try await Self.html(client, try #require(resent.headers[.location]), cookie)
            #expect(notice.contains("Commandes dont la carte est renvoyée : 1"))
            let retried = try await ConsoleTests.post(
                client, "/console/webhooks/retry-failed", cookie: cookie, form: "csrf=\(csrf)")
            #expect(retried.headers[.location] == "/console/orders?bulk=retried&count=1")
            let order = try await Self.html(client, "/console/orders/con-full", cookie)
            #expect(order.contains("<code>RESEND_REQUESTED</code>"))
            let again = try await ConsoleTests.post(
                client, "/console/webhooks/retry-failed", cookie: cookie, form: "csrf=\(csrf)")
            #expect(again.headers[.location] == "/console/orders?bulk=retried&count=0", "nothing failed is left")
        }
    }

    @Test("console send: good values create the order and go to it; a bad number or the balance come back in words")
    func send() async throws {
        let settings = MerchantSendTests.fast.merging(["BITAQA_SANDBOX_BALANCE": "800"]) { $1 }
        try await TestApp.run(settings: settings) { client, _ in
            let cookie = try #require(try await StaffRolesTests.signIn(client, token: TestApp.adminToken))
            let form = try await Self.html(client, "/console/send?type=ADSL", cookie)
            #expect(form.contains(#"<option value="500""#) && form.contains("coût"))
            let csrf = try #require(ConsoleTests.csrf(form))
            func send(_ number: String, _ value: Int, language: String = "fr") async throws -> TestResponse {
                try await ConsoleTests.post(
                    client, "/console/send", cookie: cookie + "; bitaqa_console_lang=\(language)",
                    form:
                        "type=ADSL&number=\(number)&value=\(value)&userId=u-s&email=s%40shop.dz&locale=fr&csrf=\(csrf)")
            }
            let placed = try await send("036362608", 500)
            #expect(placed.status == .seeOther)
            let location = try #require(placed.headers[.location])
            #expect(location.hasPrefix("/console/orders/") && location.hasSuffix("?notice=placed"))
            let order = try await Self.html(client, location, cookie)
            #expect(order.contains("Recharge envoyée.") && order.contains("036362608"))

            let badNumber = try await send("12", 500)
            #expect(badNumber.status == .unprocessableContent)
            #expect(String(buffer: badNumber.body).contains("Numéro incorrect"))
            let arabic = try await send("12", 500, language: "ar")
            #expect(String(buffer: arabic.body).contains("رقم غير صحيح"))
            // 800 DZD, less the 500 card: the 1000 card is refused before anything is sent.
            let poor = try await send("036362609", 1000)
            #expect(String(buffer: poor.body).contains("Solde OneClickDz insuffisant"), "\(String(buffer: poor.body))")
            let list = try await client.execute(uri: "/v1/orders", method: .get, headers: .admin(json: false))
            #expect((list.json?["orders"] as? [Any])?.count == 1)
        }
    }

    @Test("a console POST without a session or with a wrong CSRF token is a 403 page in the console's language")
    func refusalPages() async throws {
        try await TestApp.run(settings: CustomerAPITests.settings, seed: ConsoleTests.seed) { client, _ in
            let cookie = try #require(try await StaffRolesTests.signIn(client, token: TestApp.adminToken))
            let arabic = try await ConsoleTests.post(
                client, "/console/orders/con-full/notes", cookie: cookie + "; bitaqa_console_lang=ar", form: "csrf=x")
            ConsoleFormTests.expectConsolePage(arabic, "wrong CSRF in Arabic")
            #expect(String(buffer: arabic.body).contains(#"dir="rtl""#))
            let signedOut = try await ConsoleTests.post(client, "/console/send", cookie: nil, form: "csrf=x")
            ConsoleFormTests.expectConsolePage(signedOut, "signed out")
            #expect(String(buffer: signedOut.body).contains("Connectez-vous"))
        }
    }
}
