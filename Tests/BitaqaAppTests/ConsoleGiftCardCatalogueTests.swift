import BitaqaCore
import BitaqaTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import OneClickDZSandbox
import Orders
import Testing

@testable import BitaqaHTTP

/// The console's gift-card catalogue and counter sale, against a sandbox of the test's own whose
/// `placeOrder` calls are counted: the catalogue by category, a product's cards with their cost and
/// stock, a sale placed and shown on its order's page, every refusal back on the form in words with what
/// was typed and nothing bought, the owner's role, and OneClickDz not answering, never as JSON.
@Suite("Console gift-card catalogue and counter sale")
struct ConsoleGiftCardCatalogueTests {
    static let placeOrder = "POST /gift-cards/placeOrder"
    static let products = [
        "PlayStation Network DZ", "Google Play", "Netflix", "Steam Wallet", "Free Fire Diamonds",
    ]
    /// The sandbox's own test cards, whose names quote a status code on purpose.
    static let sandboxTestNames = ["Test: ends REFUNDED", "Test: half"]

    static func run(
        _ settings: SandboxSettings = .fast(),
        _ body: @Sendable (SandboxServer, any TestClientProtocol, TemporaryDirectory) async throws -> Void
    ) async throws {
        try await CountedSandbox.run(settings, app: [:], body)
    }

    static func html(
        _ client: any TestClientProtocol, _ path: String, _ cookie: String, _ locale: CustomerLocale = .fr,
        status: HTTPResponse.Status = .ok
    ) async throws -> String {
        try await ConsoleGiftCardTests.html(client, path, cookie, locale, status: status)
    }

    /// How many `placeOrder` calls the sandbox received.
    static func placed(_ sandbox: SandboxServer) async -> Int {
        await sandbox.requestCounts()[placeOrder] ?? 0
    }

    /// The sale form's fields: good values, each of which a test may change.
    static func form(
        type: String = "psn-1000", quantity: String = "2", userId: String = "u-counter",
        email: String = "buyer%40shop.dz", phone: String = "0551234567", locale: String = "ar",
        channels: String = "&channelEmail=1&channelSms=1", ref: String, csrf: String
    ) -> String {
        "typeId=\(type)&quantity=\(quantity)&userId=\(userId)&email=\(email)&phone=\(phone)&locale=\(locale)"
            + channels + "&ref=\(ref)&csrf=\(csrf)"
    }

    /// The value the form's `name` field shows: the tag's `value` attribute.
    static func value(_ html: String, _ name: String) -> String? {
        guard
            let tag = html.components(separatedBy: #"name="\#(name)""#).dropFirst().first?.prefix(while: { $0 != ">" }),
            let value = tag.components(separatedBy: #"value=""#).dropFirst().first
        else { return nil }
        return String(value.prefix { $0 != "\"" })
    }

    static func expectNoJSON(_ body: String, _ comment: String) {
        #expect(body.hasPrefix("<!DOCTYPE html>"), "\(comment)")
        #expect(!body.contains(#"{"success""#) && !body.contains(#""error":"#), "\(comment): \(body)")
    }

    @Test("the catalogue lists the sandbox's products by category in French, Arabic and English, linked from the list")
    func catalogue() async throws {
        try await Self.run { _, client, _ in
            let cookie = try await ConsoleLanguageTests.signIn(client)
            let list = try await Self.html(client, "/console/gift-cards", cookie)
            #expect(list.contains(#"href="/console/gift-cards/catalog">Catalogue des cartes cadeaux"#))
            let notFound = try await Self.html(client, "/console/gift-cards/no-such-ref", cookie, status: .notFound)
            #expect(notFound.contains(#"href="/console/gift-cards/catalog""#), "on the list's 404 too")

            for (locale, words) in [
                (CustomerLocale.fr, ["Catalogue des cartes cadeaux", "en vente", "désactivé par OneClickDz"]),
                (.ar, ["كتالوج بطاقات الهدايا", "معروض للبيع", "أوقفه OneClickDz"]),
                (.en, ["Gift-card catalogue", "on sale", "disabled by OneClickDz"]),
            ] {
                let page = try await Self.html(client, "/console/gift-cards/catalog", cookie, locale)
                for product in Self.products {
                    #expect(page.contains("<bdi>\(product)</bdi>"), "\(product) in \(locale)")
                }
                for word in words { #expect(page.contains(word), "\(word) in \(locale)") }
                for category in ["PlayStation", "Steam", "Free Fire"] {
                    #expect(page.contains("<h2><bdi>\(category)</bdi></h2>"), "\(category) in \(locale)")
                }
                #expect(page.contains(#"<a href="/console/gift-cards/catalog/psn-dz"><bdi>PlayStation Network DZ"#))
                #expect(page.contains(#"<bdi dir="ltr">DZ</bdi>"#) && page.contains(#"<bdi dir="ltr">EU</bdi>"#))
                #expect(!page.contains("1\u{202F}050") && !page.contains("1050"), "no price in the catalogue")
                Self.expectNoJSON(page, "catalogue in \(locale)")
                if locale != .en {
                    #expect(
                        ConsoleLanguageTests.untranslated(page).isEmpty, "\(ConsoleLanguageTests.untranslated(page))")
                }
            }
            let arabic = try await Self.html(client, "/console/gift-cards/catalog", cookie, .ar)
            #expect(arabic.contains(#"dir="rtl""#))
        }
    }

    @Test("a product shows its cards, the cost per card and the stock in words; the form only for an owner")
    func product() async throws {
        try await Self.run { _, client, _ in
            let admin = try await ConsoleLanguageTests.signIn(client)
            let page = try await Self.html(client, "/console/gift-cards/catalog/psn-dz", admin)
            for fact in [
                "<bdi>PSN 1000 DA</bdi>", "<bdi>PSN 2000 DA</bdi>", ConsoleGiftCardView.price(1_050, .fr),
                ConsoleGiftCardView.price(2_080, .fr), #"id="stock-psn-1000">50 en stock<"#,
                #"id="stock-psn-2000">3 en stock<"#, "Coût par carte (jamais montré au client)",
                #"<dd><bdi>PlayStation</bdi></dd>"#, #"<bdi dir="ltr">DZ</bdi>"#,
                #"action="/console/gift-cards/catalog/psn-dz""#, #"max="10""#, #"name="channelEmail""#,
            ] {
                #expect(page.contains(fact), "\(fact)")
            }
            #expect(try #require(Self.value(page, "ref")).hasPrefix("gc-"), "a fresh ref, ready")
            let again = try await Self.html(client, "/console/gift-cards/catalog/psn-dz", admin)
            #expect(Self.value(again, "ref") != Self.value(page, "ref"), "a new one each time")
            #expect(ConsoleTests.csrf(page) != nil)
            #expect(ConsoleLanguageTests.untranslated(Self.withoutTestNames(page)).isEmpty)

            let steam = try await Self.html(client, "/console/gift-cards/catalog/steam", admin)
            #expect(steam.contains(#"id="stock-steam-20">épuisé<"#) && steam.contains(#"value="steam-20" disabled"#))
            let arabic = try await Self.html(client, "/console/gift-cards/catalog/steam", admin, .ar)
            #expect(arabic.contains(#"id="stock-steam-20">نفد<"#) && arabic.contains("12100\u{00A0}دج"))
            #expect(arabic.contains(#"id="stock-steam-50">5 في المخزون<"#))
            #expect(ConsoleLanguageTests.untranslated(Self.withoutTestNames(arabic)).isEmpty)
            let english = try await Self.html(client, "/console/gift-cards/catalog/steam", admin, .en)
            #expect(english.contains(#"id="stock-steam-20">out of stock<"#) && english.contains("DZD\u{00A0}4,900"))

            let disabled = try await Self.html(client, "/console/gift-cards/catalog/free-fire", admin)
            #expect(disabled.contains("il ne peut pas être vendu") && !disabled.contains(#"name="typeId""#))

            let unknown = try await ConsoleTests.get(
                client, "/console/gift-cards/catalog/no-such-product", cookie: admin)
            ConsoleFormTests.expectConsolePage(unknown, "unknown product", status: .notFound)
            #expect(String(buffer: unknown.body).replacingOccurrences(of: "&#39;", with: "'").contains("n'existe pas"))

            let viewer = try #require(
                try await StaffRolesTests.signIn(
                    client, token: try await StaffRolesTests.addMember(client, owner: admin, "vera", "viewer")))
            let viewerPage = try await Self.html(client, "/console/gift-cards/catalog/psn-dz", viewer)
            #expect(viewerPage.contains(#"id="stock-psn-1000">50 en stock<"#), "staff read the cost and stock")
            #expect(!viewerPage.contains(#"name="typeId""#) && viewerPage.contains("Seul un propriétaire"))
            _ = try await Self.html(client, "/console/gift-cards/catalog", viewer)
        }
    }

    @Test(
        "a sale with good values places one order, audited as the console, and shows it with a banner; again is no new order"
    )
    func sale() async throws {
        try await Self.run { sandbox, client, directory in
            let cookie = try await ConsoleLanguageTests.signIn(client)
            let page = try await Self.html(client, "/console/gift-cards/catalog/psn-dz", cookie)
            let csrf = try #require(ConsoleTests.csrf(page))
            let form = Self.form(ref: "counter-1", csrf: csrf)
            let placed = try await ConsoleTests.post(
                client, "/console/gift-cards/catalog/psn-dz", cookie: cookie, form: form)
            #expect(placed.status == .seeOther, "\(String(buffer: placed.body))")
            #expect(placed.headers[.location] == "/console/gift-cards/counter-1?notice=gcCatPlaced")
            #expect(await Self.placed(sandbox) == 1)

            let order = try await Self.html(client, try #require(placed.headers[.location]), cookie)
            #expect(order.contains(#"class="notice""#) && order.contains("Commande passée chez OneClickDz"))
            #expect(order.contains("PlayStation Network DZ") && order.contains("PSN 1000 DA"))
            #expect(order.contains(#"id="quantity">2<"#) && order.contains("العربية") && order.contains("E-mail, SMS"))
            #expect(order.contains("<code>HANDLING</code>") || order.contains("<code>FULFILLED</code>"))
            #expect(order.contains("/console/buyers/u-counter"))
            #expect(ConsoleLanguageTests.untranslated(order).isEmpty, "\(ConsoleLanguageTests.untranslated(order))")

            // The same form again (a double click, a reload): the same order, nothing bought.
            let again = try await ConsoleTests.post(
                client, "/console/gift-cards/catalog/psn-dz", cookie: cookie, form: form)
            #expect(again.headers[.location] == "/console/gift-cards/counter-1?notice=gcCatAgain")
            #expect(await Self.placed(sandbox) == 1)
            let againPage = try await Self.html(client, try #require(again.headers[.location]), cookie, .en)
            #expect(againPage.contains("nothing more was bought"))

            let events = try await TestApp.auditEvents(in: directory)
            let registered = events.filter {
                $0.event.kind == .orderRegistered && $0.event.topupId?.rawValue == "gc:counter-1"
            }
            #expect(registered.count == 1 && registered.first?.event.actor == "console")
        }
    }

    @Test("bad values come back as the form with the reason in words and what was typed, and buy nothing")
    func refusals() async throws {
        try await Self.run { sandbox, client, _ in
            let cookie = try await ConsoleLanguageTests.signIn(client)
            let csrf = try #require(
                ConsoleTests.csrf(try await Self.html(client, "/console/gift-cards/catalog/psn-dz", cookie)))
            func sell(_ form: String, _ locale: CustomerLocale = .fr) async throws -> String {
                let response = try await ConsoleTests.post(
                    client, "/console/gift-cards/catalog/psn-dz",
                    cookie: cookie + "; bitaqa_console_lang=" + locale.rawValue, form: form)
                #expect(response.status == .unprocessableContent, "\(form)")
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                let html = String(buffer: response.body).replacingOccurrences(of: "&#39;", with: "'")
                Self.expectNoJSON(html, form)
                #expect(html.contains(#"<p class="error" role="alert">"#), "\(form)")
                #expect(html.contains(#"name="typeId""#), "the form again: \(form)")
                return html
            }
            for quantity in ["0", "11", "two"] {
                let html = try await sell(Self.form(quantity: quantity, userId: "u-kept", ref: "bad-q", csrf: csrf))
                #expect(html.contains("Nombre de cartes incorrect : de 1 à 10 cartes par vente."), "\(quantity)")
                #expect(Self.value(html, "userId") == "u-kept" && Self.value(html, "quantity") == quantity)
                #expect(Self.value(html, "ref") == "bad-q" && Self.value(html, "phone") == "0551234567")
                #expect(html.contains(#"<option value="ar" selected>"#) && html.contains(#"value="psn-1000" selected"#))
            }
            let arabic = try await sell(Self.form(quantity: "0", ref: "bad-q", csrf: csrf), .ar)
            #expect(arabic.contains("عدد البطاقات غير صحيح: من 1 إلى 10 بطاقات"))

            let email = try await sell(Self.form(email: "not-an-email", ref: "bad-e", csrf: csrf))
            #expect(
                email.contains("Cette adresse e-mail n'est pas valide") && Self.value(email, "email") == "not-an-email")
            let phone = try await sell(Self.form(phone: "12345", ref: "bad-p", csrf: csrf))
            #expect(phone.contains("n'est pas un mobile algérien"))
            let none = try await sell(Self.form(email: "", phone: "", ref: "bad-c", csrf: csrf))
            #expect(none.contains("Saisissez l'e-mail du client"))
            let unticked = try await sell(Self.form(phone: "", channels: "&channelSms=1", ref: "bad-ch", csrf: csrf))
            #expect(unticked.contains("Cochez au moins un canal"))
            #expect(unticked.contains(#"name="channelEmail" value="1">"#), "the boxes as they were")
            let badRef = try await sell(Self.form(ref: "a%20b", csrf: csrf))
            #expect(badRef.contains("Réf. incorrecte"))
            let unknownType = try await sell(Self.form(type: "psn-9999", ref: "bad-t", csrf: csrf))
            #expect(unknownType.contains("OneClickDz ne connaît pas cette carte"))
            // A product OneClickDz disabled: refused before it is recorded, and no form to try again.
            let disabled = try await ConsoleTests.post(
                client, "/console/gift-cards/catalog/free-fire", cookie: cookie,
                form: Self.form(type: "ff-110", quantity: "1", ref: "bad-d", csrf: csrf))
            #expect(disabled.status == .unprocessableContent)
            let disabledPage = String(buffer: disabled.body).replacingOccurrences(of: "&#39;", with: "'")
            #expect(disabledPage.contains("OneClickDz a désactivé ce produit : rien n'a été acheté."))
            #expect(!disabledPage.contains(#"name="typeId""#))

            // psn-2000 has 3 cards: 4 is refused before OneClickDz is asked.
            let stock = try await sell(Self.form(type: "psn-2000", quantity: "4", ref: "bad-s", csrf: csrf))
            #expect(
                stock.contains("Pas assez de cartes en stock") && stock.contains(#"id="stock-psn-2000">3 en stock<"#))
            #expect(Self.value(stock, "quantity") == "4" && stock.contains(#"value="psn-2000" selected"#))
            #expect(await Self.placed(sandbox) == 0, "nothing bought")
            for ref in ["bad-q", "bad-e", "bad-p", "bad-c", "bad-ch", "bad-s", "bad-t", "bad-d"] {
                _ = try await Self.html(client, "/console/gift-cards/" + ref, cookie, status: .notFound)
            }

            // A ref another sale holds: refused, and a new ref offered.
            let first = try await ConsoleTests.post(
                client, "/console/gift-cards/catalog/psn-dz", cookie: cookie, form: Self.form(ref: "dup-1", csrf: csrf))
            #expect(first.status == .seeOther)
            let duplicate = try await sell(Self.form(quantity: "1", ref: "dup-1", csrf: csrf))
            #expect(duplicate.contains("Cette réf. désigne déjà une autre vente"))
            let offered = try #require(Self.value(duplicate, "ref"))
            #expect(offered != "dup-1" && offered.hasPrefix("gc-") && Self.value(duplicate, "quantity") == "1")
            #expect(await Self.placed(sandbox) == 1, "only the first sale was bought")
            let held = try await Self.html(client, "/console/gift-cards/dup-1", cookie)
            #expect(held.contains(#"id="quantity">2<"#), "the first sale is left as it was")
        }
    }

    @Test(
        "the balance too low: refused in words before OneClickDz is asked, or by OneClickDz once recorded, then with a new ref and the refused sale's link"
    )
    func balance() async throws {
        var settings = SandboxSettings.fast()
        settings.balance = 3_000
        let sandbox = SandboxServer(settings: settings)
        try await sandbox.application(host: "127.0.0.1", port: 0, logger: TestDatabase.quietLogger).test(.live) {
            upstream in
            let key = "sandbox-key-console-catalogue"
            let app = CustomerAPITests.settings.merging([
                "ONECLICKDZ_API_KEY": key, "ONECLICKDZ_BASE_URL": "http://127.0.0.1:\(upstream.port!)",
                "BITAQA_RATE_LIMIT_ADDRESS": "0", "BITAQA_RATE_LIMIT_REVEALS": "0",
            ]) { $1 }
            try await TestApp.run(settings: app) { client, _ in
                let cookie = try await ConsoleLanguageTests.signIn(client)
                let csrf = try #require(
                    ConsoleTests.csrf(try await Self.html(client, "/console/gift-cards/catalog/psn-dz", cookie)))
                func sell(_ quantity: String, ref: String) async throws -> String {
                    let response = try await ConsoleTests.post(
                        client, "/console/gift-cards/catalog/psn-dz", cookie: cookie,
                        form: Self.form(quantity: quantity, ref: ref, csrf: csrf))
                    #expect(response.status == .unprocessableContent)
                    let html = String(buffer: response.body).replacingOccurrences(of: "&#39;", with: "'")
                    Self.expectNoJSON(html, "balance")
                    #expect(html.contains("Solde OneClickDz insuffisant pour cette vente"), "\(html)")
                    return html
                }
                // 3 cards of 1 050 DA, for 3 000 DA: refused, whoever refuses it.
                let poor = try await sell("3", ref: "poor-1")
                if !poor.contains("Voir la vente refusée") { #expect(Self.value(poor, "ref") == "poor-1") }

                // An order placed around Bitaqa spends the balance Bitaqa last read: OneClickDz refuses the sale.
                let token: HTTPFields = [HTTPField.Name("X-Access-Token")!: key, .contentType: "application/json"]
                let around = try await upstream.execute(
                    uri: "/v3/gift-cards/placeOrder", method: .post, headers: token,
                    body: ByteBuffer(string: #"{"productId": "psn-dz", "typeId": "psn-2000", "quantity": 1}"#))
                #expect(around.status == .ok)
                let refused = try await sell("1", ref: "poor-2")
                #expect(refused.contains(#"href="/console/gift-cards/poor-2">Voir la vente refusée"#), "\(refused)")
                let offered = try #require(Self.value(refused, "ref"))
                #expect(offered != "poor-2" && offered.hasPrefix("gc-"), "the ref is the refused sale's now")
                #expect(Self.value(refused, "userId") == "u-counter" && Self.value(refused, "quantity") == "1")
                let recorded = try await Self.html(client, "/console/gift-cards/poor-2", cookie)
                #expect(recorded.contains("<code>NOT_PLACED</code>") && recorded.contains("rien n'a été acheté"))
            }
        }
    }

    @Test("viewers and support get the console's 403 page on the sale; signed out or without CSRF too")
    func roles() async throws {
        try await Self.run { sandbox, client, _ in
            let admin = try await ConsoleLanguageTests.signIn(client)
            for (name, role) in [("vera", "viewer"), ("sam", "support")] {
                let cookie = try #require(
                    try await StaffRolesTests.signIn(
                        client, token: try await StaffRolesTests.addMember(client, owner: admin, name, role)))
                let page = try await Self.html(client, "/console/gift-cards/catalog/psn-dz", cookie)
                let csrf = try #require(ConsoleTests.csrf(page))
                let refused = try await ConsoleTests.post(
                    client, "/console/gift-cards/catalog/psn-dz", cookie: cookie,
                    form: Self.form(ref: "by-\(name)", csrf: csrf))
                ConsoleFormTests.expectConsolePage(refused, "sale as \(role)")
                #expect(String(buffer: refused.body).contains("Votre rôle ne permet pas cette action."))
            }
            let noToken = try await ConsoleTests.post(
                client, "/console/gift-cards/catalog/psn-dz", cookie: admin, form: Self.form(ref: "no-csrf", csrf: ""))
            ConsoleFormTests.expectConsolePage(noToken, "sale without CSRF")
            let signedOut = try await ConsoleTests.post(
                client, "/console/gift-cards/catalog/psn-dz", cookie: nil, form: Self.form(ref: "anon", csrf: "x"))
            ConsoleFormTests.expectConsolePage(signedOut, "sale signed out")
            let anonymous = try await ConsoleTests.get(client, "/console/gift-cards/catalog", cookie: nil)
            #expect(anonymous.status == .seeOther && anonymous.headers[.location] == "/console/login")
            #expect(await Self.placed(sandbox) == 0)
            #expect(RouteRoles.required(.post, endpoint: "/console/gift-cards/catalog/{productId}") == .owner)
            #expect(RouteRoles.required(.get, endpoint: "/console/gift-cards/catalog/{productId}") == .viewer)
            #expect(RouteRoles.required(.get, endpoint: "/console/gift-cards/catalog") == .viewer)
        }
    }

    @Test("OneClickDz not answering: the catalogue and a product say so in words, as console pages")
    func upstreamDown() async throws {
        try await Self.run { sandbox, client, _ in
            await sandbox.setFaults(serverErrors: 1)
            let cookie = try await ConsoleLanguageTests.signIn(client)
            let catalogue = try await ConsoleTests.get(client, "/console/gift-cards/catalog", cookie: cookie)
            ConsoleFormTests.expectConsolePage(catalogue, "catalogue", status: .badGateway)
            let text = String(buffer: catalogue.body).replacingOccurrences(of: "&#39;", with: "'")
            #expect(text.contains("OneClickDz ne répond pas"))
            let product = try await ConsoleTests.get(
                client, "/console/gift-cards/catalog/psn-dz", cookie: cookie + "; bitaqa_console_lang=ar")
            ConsoleFormTests.expectConsolePage(product, "product", status: .badGateway)
            #expect(
                String(buffer: product.body).contains("OneClickDz لا يرد")
                    && !String(buffer: product.body).contains(#"name="typeId""#))
        }
    }

    @Test("every catalogue word exists in the three languages")
    func words() {
        let french = Set(ConsoleTexts.frenchGiftCardCatalogue.keys)
        #expect(french == Set(ConsoleTexts.arabicGiftCardCatalogue.keys))
        #expect(french == Set(ConsoleTexts.englishGiftCardCatalogue.keys))
        for locale in CustomerLocale.allCases {
            let words = ConsoleTexts.words(locale)
            #expect(french.allSatisfy { words[$0] != nil }, "merged into the console's words in \(locale)")
        }
        #expect(ConsoleGiftCardCatalogueView.path("a b/c") == "/console/gift-cards/catalog/a%20b%2Fc")
        let ref = ConsoleGiftCardSale.freshRef()
        #expect(ref.count == 19 && GiftCardKey.key(for: ref) != nil && ref != ConsoleGiftCardSale.freshRef())
    }

    /// The page without the sandbox's test cards' names.
    static func withoutTestNames(_ html: String) -> String {
        sandboxTestNames.reduce(html) { $0.replacingOccurrences(of: $1, with: "") }
    }
}
