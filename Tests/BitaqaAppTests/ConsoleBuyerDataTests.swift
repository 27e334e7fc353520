import Audit
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

@testable import BitaqaHTTP

/// A buyer's personal data from the console (issue 33): the owner downloads what is held and erases the
/// contacts behind a confirmation that asks for the buyer's id again; no other role sees or reaches either.
@Suite("Console: a buyer's personal data")
struct ConsoleBuyerDataTests {
    static let other = "other-buyer"
    static let otherEmail = "someone.else@shop.dz"

    /// The console's orders (buyer `buyer`: con-full with its card, con-wait, con-tampered), and one order
    /// of another buyer whose contacts must stay out of everything done to `buyer`.
    static func seed(_ store: Store) async throws {
        try await ConsoleTests.seed(store)
        let binder = ContactBinder(ring: try KeyRing(keys: [CustomerAPITests.key]))
        _ = try await SQLOrderRepository(store: store).register(
            binder.bound(
                NewOrder(
                    topupId: TopupID("other-1")!, topupRef: "ref-other-1", userId: UserID(other)!, number: "036362609",
                    value: 500, email: otherEmail, phone: "+213559876543", locale: .fr, channels: [.email, .sms],
                    fingerprint: "other-1")),
            now: TimeSource.system.now(), firstCheckAt: TimeSource.system.now() + 3_600_000)
    }

    static let paths = ["/console/buyers/buyer/export", "/console/buyers/buyer/erase"]

    /// The order `id` of `user` as `GET /v1/buyers/{userId}` holds it, contacts in clear: the merchant's
    /// order object (`GET /v1/orders/{id}`) carries no contact.
    static func order(_ client: any TestClientProtocol, _ id: String, of user: String = "buyer") async throws
        -> [String: Any]
    {
        let response = try await client.execute(uri: "/v1/buyers/\(user)", method: .get, headers: .admin(json: false))
        #expect(response.status == .ok)
        let orders = try #require((response.json?["buyer"] as? [String: Any])?["orders"] as? [[String: Any]])
        return try #require(orders.first { $0["id"] as? String == id })
    }

    /// Posts the erase form of `buyer`'s confirmation page with `confirm` typed.
    static func erase(_ client: any TestClientProtocol, _ cookie: String, confirm: String) async throws
        -> TestResponse
    {
        let page = try await ConsoleShopTests.html(client, "/console/buyers/buyer/erase", cookie)
        let csrf = try #require(ConsoleTests.csrf(page))
        return try await ConsoleTests.post(
            client, "/console/buyers/buyer/erase", cookie: cookie, form: "confirm=\(confirm)&csrf=\(csrf)")
    }

    @Test("the routes are the owner's in the one table of roles")
    func table() {
        for (method, path) in [
            (HTTPRequest.Method.get, "/console/buyers/{userId}/export"), (.get, "/console/buyers/{userId}/erase"),
            (.post, "/console/buyers/{userId}/erase"),
        ] {
            #expect(RouteRoles.console[RouteRoles.Route(method, path)] == .owner, "\(method) \(path)")
        }
    }

    @Test(
        "an owner sees the personal data section; a viewer and support see none of it and are refused all three routes")
    func roles() async throws {
        try await TestApp.run(settings: CustomerAPITests.settings, seed: Self.seed) { client, _ in
            let admin = try #require(try await StaffRolesTests.signIn(client, token: TestApp.adminToken))
            let ownerToken = try await StaffRolesTests.addMember(client, owner: admin, "olga", "owner")
            let viewerToken = try await StaffRolesTests.addMember(client, owner: admin, "vera", "viewer")
            let supportToken = try await StaffRolesTests.addMember(client, owner: admin, "sam", "support")
            for token in [TestApp.adminToken, ownerToken] {
                let owner = try #require(try await StaffRolesTests.signIn(client, token: token))
                let page = try await ConsoleShopTests.html(client, "/console/buyers/buyer", owner)
                #expect(page.contains("Données personnelles"))
                #expect(page.contains(#"<a href="/console/buyers/buyer/export">"#))
                #expect(page.contains(#"<form method="get" action="/console/buyers/buyer/erase">"#))
            }
            for token in [viewerToken, supportToken] {
                let cookie = try #require(try await StaffRolesTests.signIn(client, token: token))
                let page = try await ConsoleShopTests.html(client, "/console/buyers/buyer", cookie)
                #expect(!page.contains("Données personnelles") && !page.contains("/export") && !page.contains("/erase"))
                for path in Self.paths {
                    let refused = try await ConsoleTests.get(client, path, cookie: cookie)
                    ConsoleFormTests.expectConsolePage(refused, "GET \(path) as \(token.prefix(4))")
                    #expect(refused.status == .forbidden && !String(buffer: refused.body).contains("buyer@shop.dz"))
                }
                let csrf = try #require(ConsoleTests.csrf(page))
                let posted = try await ConsoleTests.post(
                    client, "/console/buyers/buyer/erase", cookie: cookie, form: "confirm=buyer&csrf=\(csrf)")
                #expect(posted.status == .forbidden)
            }
            #expect(try await Self.order(client, "con-full")["email"] as? String == "buyer@shop.dz")
            let signedOut = try await ConsoleTests.get(client, "/console/buyers/buyer/export", cookie: nil)
            #expect(signedOut.status == .seeOther && signedOut.headers[.location] == "/console/login")
        }
    }

    @Test("the download is the buyer's JSON: their orders and contacts, nobody else's, never a card code; audited")
    func export() async throws {
        try await TestApp.run(settings: CustomerAPITests.settings, seed: Self.seed) { client, directory in
            let admin = try #require(try await StaffRolesTests.signIn(client, token: TestApp.adminToken))
            let response = try await ConsoleTests.get(client, "/console/buyers/buyer/export", cookie: admin)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            #expect(response.headers[.contentDisposition] == #"attachment; filename="buyer-buyer.json""#)
            #expect(response.headers[.cacheControl] == "no-store")
            let body = String(buffer: response.body)
            let json = try #require(response.json)
            #expect(json["userId"] as? String == "buyer")
            let orders = try #require(json["orders"] as? [[String: Any]])
            #expect(Set(orders.compactMap { $0["id"] as? String }) == ["con-full", "con-wait", "con-tampered"])
            let full = try #require(orders.first { $0["id"] as? String == "con-full" })
            #expect(full["email"] as? String == "buyer@shop.dz" && full["phone"] as? String == "+213551234567")
            #expect(!body.contains(Self.other) && !body.contains(Self.otherEmail) && !body.contains("other-1"))
            #expect(!body.contains(ConsoleTests.code) && !body.contains("cardCode") && !body.contains("\"code\""))

            let events = try await TestApp.auditEvents(in: directory).map(\.event)
            #expect(
                events.contains {
                    $0.kind == .buyerExported && $0.actor == "console" && $0.details["user_id"] == "buyer"
                        && $0.details["orders"] == "3"
                })
        }
    }

    @Test(
        "erasing asks for the id again: a wrong one is 422 and erases nothing; the right one erases, audits masked, and a second finds nothing"
    )
    func erase() async throws {
        try await TestApp.run(settings: CustomerAPITests.settings, seed: Self.seed) { client, directory in
            let admin = try #require(try await StaffRolesTests.signIn(client, token: TestApp.adminToken))
            let confirmation = try await ConsoleShopTests.html(client, "/console/buyers/buyer/erase", admin)
            #expect(confirmation.contains(#"<bdi dir="ltr">3</bdi>"#), "three orders hold contacts")
            #expect(confirmation.contains(#"name="confirm""#))
            for wrong in ["", "other-buyer", "Buyer"] {
                let refused = try await Self.erase(client, admin, confirm: wrong)
                #expect(refused.status == .unprocessableContent, "confirm=\(wrong)")
                let html = String(buffer: refused.body).replacingOccurrences(of: "&#39;", with: "'")
                #expect(html.contains(#"<p class="error" role="alert">"#) && html.contains("rien n'a été effacé"))
                #expect(html.contains(#"action="/console/buyers/buyer/erase""#), "the form again")
            }
            #expect(try await Self.order(client, "con-full")["email"] as? String == "buyer@shop.dz")

            let erased = try await Self.erase(client, admin, confirm: "buyer")
            #expect(erased.status == .seeOther)
            let location = try #require(erased.headers[.location])
            #expect(location == "/console/buyers/buyer?notice=erased&count=3")
            let page = try await ConsoleShopTests.html(client, location, admin)
            #expect(page.contains("Contacts effacés sur 3 commandes."))
            #expect(page.contains(">effacé</td>"), "the cells say erased")
            let english = try await ConsoleLanguageTests.page(client, location, admin, .en)
            #expect(english.contains("Contacts erased on 3 orders.") && english.contains(">erased</td>"))

            let full = try await Self.order(client, "con-full")
            // Erased contacts are null in the export, or left out.
            #expect((full["email"] ?? NSNull()) is NSNull && (full["phone"] ?? NSNull()) is NSNull, "\(full)")
            #expect(full["contactsErasedAt"] is String, "\(full)")
            #expect(try await Self.order(client, "other-1", of: Self.other)["email"] as? String == Self.otherEmail)
            let trail = try await client.execute(
                uri: "/v1/audit?order=con-full", method: .get, headers: .admin(json: false))
            #expect(trail.status == .ok && String(buffer: trail.body).contains("CONTACTS_ERASED"))

            let events = try await TestApp.auditEvents(in: directory).map(\.event)
            let erasures = events.filter { $0.kind == .contactsErased }
            #expect(erasures.count == 3 && erasures.allSatisfy { $0.actor == "console" })
            let fullErasure = try #require(erasures.first { $0.topupId?.rawValue == "con-full" })
            let masked = try #require(fullErasure.details["email"])
            #expect(masked != "buyer@shop.dz" && masked.contains("*"))
            for event in events {
                let text = "\(event.details)"
                #expect(!text.contains("buyer@shop.dz") && !text.contains("+213551234567"), "\(event.kind)")
            }
            #expect(!String(buffer: trail.body).contains("buyer@shop.dz"))

            let again = try await Self.erase(client, admin, confirm: "buyer")
            #expect(again.headers[.location] == "/console/buyers/buyer?notice=erased&count=0")
            let second = try await ConsoleShopTests.html(client, try #require(again.headers[.location]), admin)
            #expect(second.contains("Contacts effacés sur 0 commande."))
            let after = try await ConsoleShopTests.html(client, "/console/buyers/buyer/erase", admin)
            #expect(after.contains(#"<bdi dir="ltr">0</bdi>"#))
        }
    }

    /// The keys of the confirmation page's own words.
    static let confirmationWords = [
        "bdEraseTitle", "bdBack", "bdWhat", "bdWillErase", "bdStay", "bdResends", "bdFinal", "bdConfirm",
        "bdEraseButton",
    ]

    @Test("the confirmation page and its refusal in French, Arabic and English: each in its own words only")
    func languages() async throws {
        try await TestApp.run(settings: CustomerAPITests.settings, seed: Self.seed) { client, _ in
            let admin = try #require(try await StaffRolesTests.signIn(client, token: TestApp.adminToken))
            let locales = [CustomerLocale.fr, .ar, .en]
            for locale in locales {
                let html = try await ConsoleLanguageTests.page(client, "/console/buyers/buyer/erase", admin, locale)
                let words = ConsoleTexts.words(locale)
                for key in Self.confirmationWords {
                    let word = try #require(words[key], "\(key) in \(locale)")
                    #expect(html.contains(word), "\(key) in \(locale)")
                    for other in locales where other != locale {
                        let foreign = try #require(ConsoleTexts.words(other)[key])
                        #expect(!html.contains(foreign), "\(key) of \(other) on the \(locale) page")
                    }
                }
                if locale != .en {
                    #expect(
                        ConsoleLanguageTests.untranslated(html).isEmpty, "\(ConsoleLanguageTests.untranslated(html))")
                }
                #expect(html.contains(#"dir="\#(locale == .ar ? "rtl" : "ltr")""#))
                let runs = ConsoleLanguageTests.isolated(html)
                #expect(runs.contains("buyer") && runs.contains("3"), "ids and numbers left to right: \(runs)")

                let csrf = try #require(ConsoleTests.csrf(html))
                let refused = try await ConsoleTests.post(
                    client, "/console/buyers/buyer/erase", cookie: admin + "; bitaqa_console_lang=" + locale.rawValue,
                    form: "confirm=nobody&csrf=\(csrf)")
                #expect(refused.status == .unprocessableContent)
                let text = String(buffer: refused.body).replacingOccurrences(of: "&#39;", with: "'")
                #expect(text.contains(try #require(words["bdBadConfirm"])), "\(locale)")
                #expect(text.contains(#"<html lang="\#(locale.rawValue)""#))
            }
            // The buyer page's section in Arabic, and its notice with the number isolated.
            let arabic = try await ConsoleLanguageTests.page(client, "/console/buyers/buyer", admin, .ar)
            #expect(arabic.contains("البيانات الشخصية") && !arabic.contains("Personal data"))
            let notice = try await ConsoleLanguageTests.page(
                client, "/console/buyers/buyer?notice=erased&count=2", admin, .ar)
            #expect(notice.contains("\u{2066}2\u{2069}"))
        }
    }
}
