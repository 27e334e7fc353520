import BitaqaCore
import BitaqaTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Orders
import Testing

@testable import BitaqaHTTP

/// The console's gift-card pages: the list and its search, one order with its facts, deliveries and
/// trail, and the actions (resend, check now, settle an `UNCERTAIN` order), in the console's language,
/// held to the roles, and never a code, a serial or a card.
@Suite("Console gift-card orders")
struct ConsoleGiftCardTests {
    typealias Seeding = ConsoleGiftCardSeeding

    /// The page's body (apostrophes as a person reads them) after checking it is an HTML console page.
    static func html(
        _ client: any TestClientProtocol, _ path: String, _ cookie: String, _ locale: CustomerLocale = .fr,
        status: HTTPResponse.Status = .ok
    ) async throws -> String {
        let response = try await ConsoleTests.get(
            client, path, cookie: cookie + "; bitaqa_console_lang=" + locale.rawValue)
        #expect(response.status == status, "\(path) in \(locale)")
        #expect(response.headers[.contentType] == "text/html; charset=utf-8", "\(path)")
        return String(buffer: response.body).replacingOccurrences(of: "&#39;", with: "'")
    }

    /// The refs the list shows, in its order.
    static func refs(_ html: String) -> [String] {
        html.components(separatedBy: #"<a href="/console/gift-cards/"#).dropFirst().compactMap {
            $0.split(separator: "\"").first.map(String.init)
        }
    }

    /// The href of the list's next-page link; nil when there is none.
    static func next(_ html: String) -> String? {
        guard
            let link = html.components(separatedBy: #"<p><a href=""#).dropFirst().first(where: {
                $0.contains(#"rel="next""#)
            })
        else { return nil }
        return String(link.prefix { $0 != "\"" }).replacingOccurrences(of: "&amp;", with: "&")
    }

    static func expectNoSecrets(_ page: String, _ comment: String) {
        for canary in Seeding.canaries { #expect(!page.contains(canary), "a card's secret on \(comment)") }
        #expect(!page.contains("Buyer.One@Shop.dz") && !page.contains("+213551234567"), "contacts are masked")
    }

    @Test(
        "the list: newest first, words and codes, cards delivered of ordered, masked contacts, a next link only for a next page"
    )
    func list() async throws {
        try await TestApp.run(settings: CustomerAPITests.settings, seed: Seeding.seed) { client, _ in
            let cookie = try await ConsoleLanguageTests.signIn(client)
            let overview = try await Self.html(client, "/console", cookie)
            #expect(overview.contains(#"<a href="/console/gift-cards">Cartes cadeaux</a>"#), "in the menu")
            let page = try await Self.html(client, "/console/gift-cards", cookie)
            #expect(Self.refs(page) == Seeding.newestFirst)
            #expect(page.contains(#"<bdi dir="ltr">2 / 4</bdi>"#) && page.contains(#"<bdi dir="ltr">2 / 2</bdi>"#))
            #expect(page.contains("incertaine, à trancher <code>UNCERTAIN</code>"))
            #expect(page.contains(Seeding.productTitle) && page.contains(Seeding.typeName))
            #expect(page.contains(#"data-label="Réf.""#) && page.contains(#"data-label="Cartes livrées / commandées""#))
            #expect(!page.contains(#"rel="next""#), "one page: no next link")
            #expect(!page.contains("1\u{202F}050"), "no price in the list")
            Self.expectNoSecrets(page, "the list")

            // Two a page: the next link carries the filters on, and the last page has none.
            var seen: [String] = []
            var path: String? = "/console/gift-cards?limit=2"
            while let current = path {
                let html = try await Self.html(client, current, cookie)
                seen += Self.refs(html)
                path = Self.next(html)
                if let path { #expect(path.contains("limit=2") && path.contains("cursor=")) }
            }
            #expect(seen == Seeding.newestFirst)

            let statusFiltered = Self.refs(try await Self.html(client, "/console/gift-cards?status=UNCERTAIN", cookie))
            #expect(statusFiltered == ["gc-uncertain"])
            let bad = try await Self.html(client, "/console/gift-cards?status=NOPE", cookie, status: .badRequest)
            #expect(bad.contains(#"<p class="error" role="alert">"#) && bad.contains("choisissez un statut"))
        }
    }

    @Test("search by ref, OneClickDz id, email in any case and phone in any spelling")
    func search() async throws {
        try await TestApp.run(settings: CustomerAPITests.settings, seed: Seeding.seed) { client, _ in
            let cookie = try await ConsoleLanguageTests.signIn(client)
            for q in [
                "gc-full", "up-full", "buyer.one@shop.dz", "BUYER.ONE@SHOP.DZ", "0551234567", "%2B213551234567",
                "0551%2023%2045%2067",
            ] {
                let html = try await Self.html(client, "/console/gift-cards?q=" + q, cookie)
                #expect(Self.refs(html) == ["gc-full"], "q=\(q)")
            }
            let none = try await Self.html(client, "/console/gift-cards?q=nobody@shop.dz", cookie)
            #expect(Self.refs(none).isEmpty && none.contains("Aucune commande de cartes cadeaux."))
        }
    }

    @Test(
        "one order: every fact, its deliveries and trail, the cards counted and never shown; an unknown ref is a console 404"
    )
    func order() async throws {
        try await TestApp.run(settings: CustomerAPITests.settings, seed: Seeding.seed) { client, _ in
            let cookie = try await ConsoleLanguageTests.signIn(client)
            let page = try await Self.html(client, "/console/gift-cards/gc-full", cookie)
            for fact in [
                "gc-full", "up-full", Seeding.productTitle, Seeding.typeName, DinarAmount.text(1_050, locale: .fr),
                "<code>FULFILLED</code>", "Toutes les cartes sont arrivées", "العربية", "E-mail, SMS",
                #"id="quantity">2<"#, #"id="fulfilled">2<"#, #"id="sealed">2<"#, "jamais affichés",
                "<code>ORDER_REGISTERED</code>", "/console/buyers/gc-buyer-gc-full",
            ] {
                #expect(page.contains(fact), "\(fact)")
            }
            #expect(page.contains("B***e@Shop.dz"), "the email, masked")
            Self.expectNoSecrets(page, "the order page")
            let partial = try await Self.html(client, "/console/gift-cards/gc-part", cookie)
            #expect(partial.contains(#"id="fulfilled">2<"#) && partial.contains("OneClickDz rembourse le reste"))
            let english = try await Self.html(client, "/console/gift-cards/gc-full", cookie, .en)
            #expect(english.contains("DZD\u{00A0}1,050") && english.contains("Cost per card"))

            let unknown = try await ConsoleTests.get(client, "/console/gift-cards/no-such-ref", cookie: cookie)
            ConsoleFormTests.expectConsolePage(unknown, "unknown ref", status: .notFound)
            #expect(String(buffer: unknown.body).contains("introuvable"))
            let csrf = try #require(ConsoleTests.csrf(page))
            let unknownAction = try await ConsoleTests.post(
                client, "/console/gift-cards/no-such-ref/check", cookie: cookie, form: "csrf=\(csrf)")
            ConsoleFormTests.expectConsolePage(unknownAction, "check of an unknown ref", status: .notFound)
            let signedOut = try await ConsoleTests.get(client, "/console/gift-cards/gc-full", cookie: nil)
            #expect(signedOut.status == .seeOther && signedOut.headers[.location] == "/console/login")
        }
    }

    @Test("resend and check now come back to the order with what happened, or why not, in the console's language")
    func actions() async throws {
        try await TestApp.run(settings: CustomerAPITests.settings, seed: Seeding.seed) { client, _ in
            let cookie = try await ConsoleLanguageTests.signIn(client)
            let page = try await Self.html(client, "/console/gift-cards/gc-full", cookie)
            let csrf = try #require(ConsoleTests.csrf(page))
            #expect(page.contains(#"action="/console/gift-cards/gc-full/resend""#))

            let noToken = try await ConsoleTests.post(
                client, "/console/gift-cards/gc-full/resend", cookie: cookie, form: "channel=email")
            ConsoleFormTests.expectConsolePage(noToken, "resend without CSRF")
            let resent = try await ConsoleTests.post(
                client, "/console/gift-cards/gc-full/resend", cookie: cookie, form: "channel=email&csrf=\(csrf)")
            #expect(resent.status == .seeOther)
            #expect(resent.headers[.location] == "/console/gift-cards/gc-full?notice=gcResent")
            let after = try await Self.html(client, "/console/gift-cards/gc-full?notice=gcResent", cookie)
            #expect(after.contains(#"class="notice""#) && after.contains("de nouveau en file d'envoi"))
            #expect(after.contains("<code>RESEND_REQUESTED</code>"))
            Self.expectNoSecrets(after, "the order after a resend")

            let waiting = try await Self.html(client, "/console/gift-cards/gc-wait", cookie)
            #expect(!waiting.contains("/resend\"") && waiting.contains("/check\""), "no cards yet: no resend form")
            let notReady = try await ConsoleTests.post(
                client, "/console/gift-cards/gc-wait/resend", cookie: cookie, form: "csrf=\(csrf)")
            let notReadyPage = try await Self.html(client, try #require(notReady.headers[.location]), cookie)
            #expect(notReadyPage.contains(#"<p class="error" role="alert">"#) && notReadyPage.contains("Pas de carte"))
            #expect(!notReadyPage.contains(#"class="notice""#))

            let corrected = try await ConsoleTests.post(
                client, "/console/gift-cards/gc-wait/contact", cookie: cookie, form: "phone=0771234567&csrf=\(csrf)")
            #expect(corrected.headers[.location] == "/console/gift-cards/gc-wait?notice=done")
            let correctedPage = try await Self.html(client, "/console/gift-cards/gc-wait?notice=done", cookie)
            #expect(correctedPage.contains("<code>CONTACT_CHANGED</code>") && correctedPage.contains("+21377*****67"))
            let badPhone = try await ConsoleTests.post(
                client, "/console/gift-cards/gc-wait/contact", cookie: cookie, form: "phone=12345&csrf=\(csrf)")
            #expect(badPhone.headers[.location] == "/console/gift-cards/gc-wait?notice=badPhone")

            let checked = try await ConsoleTests.post(
                client, "/console/gift-cards/gc-full/check", cookie: cookie, form: "csrf=\(csrf)")
            #expect(checked.headers[.location] == "/console/gift-cards/gc-full?notice=checked")
            let checkedPage = try await Self.html(client, try #require(checked.headers[.location]), cookie, .ar)
            #expect(
                checkedPage.contains("تم التحقق. الحالة الحالية:")
                    && checkedPage.contains("<code>CHECK_REQUESTED</code>"))
            // A HANDLING order asks OneClickDz, which may not know it: either way a page, never JSON.
            let handling = try await ConsoleTests.post(
                client, "/console/gift-cards/gc-wait/check", cookie: cookie, form: "csrf=\(csrf)")
            #expect(handling.status == .seeOther)
            let handlingPage = try await Self.html(client, try #require(handling.headers[.location]), cookie)
            #expect(handlingPage.contains("Vérification faite") || handlingPage.contains("n'a pas répondu"))
        }
    }

    @Test("an UNCERTAIN order shows its candidates; only an owner settles it, with one of them, and it is audited")
    func settle() async throws {
        try await TestApp.run(settings: CustomerAPITests.settings, seed: Seeding.seed) { client, directory in
            let admin = try await ConsoleLanguageTests.signIn(client)
            let viewer = try #require(
                try await StaffRolesTests.signIn(
                    client, token: try await StaffRolesTests.addMember(client, owner: admin, "vera", "viewer")))
            let support = try #require(
                try await StaffRolesTests.signIn(
                    client, token: try await StaffRolesTests.addMember(client, owner: admin, "sam", "support")))
            let path = "/console/gift-cards/gc-uncertain"

            let viewerPage = try await Self.html(client, path, viewer)
            #expect(viewerPage.contains("up-cand-a") && viewerPage.contains("up-cand-b"), "candidates are listed")
            #expect(!viewerPage.contains("/settle\"") && !viewerPage.contains("/resend\""), "no forms for a viewer")
            #expect(viewerPage.contains("Seul un propriétaire peut trancher."))
            let viewerCSRF = try #require(ConsoleTests.csrf(viewerPage))
            let supportCSRF = try #require(ConsoleTests.csrf(try await Self.html(client, path, support)))
            for (cookie, csrf, who) in [(viewer, viewerCSRF, "viewer"), (support, supportCSRF, "support")] {
                let refused = try await ConsoleTests.post(
                    client, path + "/settle", cookie: cookie, form: "orderId=up-cand-a&csrf=\(csrf)")
                ConsoleFormTests.expectConsolePage(refused, "settle as \(who)")
                #expect(String(buffer: refused.body).contains("Votre rôle ne permet pas cette action."))
            }
            let viewerResend = try await ConsoleTests.post(
                client, "/console/gift-cards/gc-full/resend", cookie: viewer, form: "csrf=\(viewerCSRF)")
            ConsoleFormTests.expectConsolePage(viewerResend, "resend as viewer")

            let ownerPage = try await Self.html(client, path, admin)
            #expect(ownerPage.contains(#"action="/console/gift-cards/gc-uncertain/settle""#))
            #expect(ownerPage.contains("C'est celle-ci") && ownerPage.contains("Ce choix est définitif"))
            #expect(
                ownerPage.contains("<code>UNCERTAIN</code>") && ownerPage.contains("choisissez la bonne ci-dessous"))
            let csrf = try #require(ConsoleTests.csrf(ownerPage))
            let stranger = try await ConsoleTests.post(
                client, path + "/settle", cookie: admin, form: "orderId=up-full&csrf=\(csrf)")
            #expect(stranger.headers[.location] == path + "?notice=gcSettleRefused")
            let refusedPage = try await Self.html(client, path + "?notice=gcSettleRefused", admin)
            #expect(refusedPage.contains(#"<p class="error" role="alert">Rien n'a été changé"#))

            let settled = try await ConsoleTests.post(
                client, path + "/settle", cookie: admin, form: "orderId=up-cand-b&csrf=\(csrf)")
            #expect(settled.status == .seeOther && settled.headers[.location] == path + "?notice=gcSettled")
            let after = try await Self.html(client, path + "?notice=gcSettled", admin)
            #expect(after.contains(#"class="notice""#) && after.contains("C'est réglé"))
            #expect(after.contains(#"<bdi dir="ltr" class="id">up-cand-b</bdi>"#) && !after.contains("/settle\""))
            #expect(after.contains("settled=true") && !after.contains("<code>UNCERTAIN</code>"))
            let again = try await ConsoleTests.post(
                client, path + "/settle", cookie: admin, form: "orderId=up-cand-a&csrf=\(csrf)")
            #expect(again.headers[.location] == path + "?notice=gcSettleRefused", "settled once")

            let events = try await TestApp.auditEvents(in: directory)
            let settling = events.filter {
                $0.event.kind == .statusChanged && $0.event.details["settled"] == "true"
            }
            #expect(settling.count == 1 && settling.first?.event.actor == "console")
            #expect(settling.first?.event.details["orderId"] == "up-cand-b")
        }
    }

    @Test("French and Arabic pages have words for every status, state and kind; no page shows a card's secret")
    func languages() async throws {
        try await TestApp.run(settings: CustomerAPITests.settings, seed: Seeding.seed) { client, _ in
            let cookie = try await ConsoleLanguageTests.signIn(client)
            let csrf = try #require(
                ConsoleTests.csrf(try await Self.html(client, "/console/gift-cards/gc-full", cookie)))
            _ = try await ConsoleTests.post(
                client, "/console/gift-cards/gc-full/resend", cookie: cookie, form: "csrf=\(csrf)")
            let paths =
                ["/console/gift-cards", "/console/gift-cards?status=PARTIALLY_FILLED"]
                + Seeding.orders.map { "/console/gift-cards/" + $0.ref }
            for locale in [CustomerLocale.fr, .ar, .en] {
                for path in paths {
                    let html = try await Self.html(client, path, cookie, locale)
                    Self.expectNoSecrets(html, "\(path) in \(locale)")
                    if locale != .en {
                        let untranslated = ConsoleLanguageTests.untranslated(html)
                        #expect(untranslated.isEmpty, "\(path) in \(locale): \(untranslated)")
                    }
                }
            }
            let arabic = try await Self.html(client, "/console/gift-cards/gc-full", cookie, .ar)
            #expect(arabic.contains(#"dir="rtl""#) && arabic.contains("بطاقات الهدايا"))
            #expect(ConsoleLanguageTests.isolated(arabic).contains("gc-full"))
            #expect(arabic.contains("1050\u{00A0}دج"))
        }
    }

    @Test("every gift-card word exists in the three languages")
    func words() {
        let french = Set(ConsoleTexts.frenchGiftCards.keys)
        #expect(french == Set(ConsoleTexts.arabicGiftCards.keys))
        #expect(french == Set(ConsoleTexts.englishGiftCards.keys))
        for status in ConsoleGiftCardsView.statuses {
            for locale in CustomerLocale.allCases {
                #expect(ConsoleTexts.giftCardExplanation(status, locale) != nil, "\(status) in \(locale)")
            }
        }
        #expect(ConsoleGiftCardView.price(1_050.5, .fr) == "1\u{202F}050,50\u{00A0}DA")
        #expect(ConsoleGiftCardView.price(1_050.5, .en) == "DZD\u{00A0}1,050.50")
        #expect(ConsoleGiftCardView.price(7, .ar) == "7\u{00A0}دج")
        #expect(ConsoleGiftCardView.path("web#1/2") == "/console/gift-cards/web%231%2F2")
    }
}
