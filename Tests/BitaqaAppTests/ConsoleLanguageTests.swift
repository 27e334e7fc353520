import Audit
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

/// The console explains itself in the merchant's language: words, not codes; Algiers time; amounts as
/// the language writes them; left-to-right runs isolated in Arabic; form errors back on the page.
@Suite("Console in the merchant's language")
struct ConsoleLanguageTests {
    /// 2025-11-29T01:30:00Z: 02:30 in Algiers (UTC+1).
    static let instant: Int64 = 1_764_379_800_000
    static let bounce = "SMTP 550 5.1.1 No such user"

    /// The console's orders, plus: a bounced email, a delivered SMS and a sending one (at a fixed
    /// instant), a webhook message given up on, and the fulfilled order without its phone.
    static func seed(_ store: Store) async throws {
        try await ConsoleTests.seed(store)
        for (id, channel, state, error) in [
            ("d-bounce", "email", "failed", bounce), ("d-sms", "sms", "delivered", ""),
            ("d-wait", "email", "sending", "SMTP 421 4.7.0 try again later"),
            ("d-refund", "sms", "pending", ""),
        ] {
            let purpose = id == "d-refund" ? "refund_notice" : "card"
            try await store.sql.raw(
                """
                INSERT INTO deliveries (id, topup_id, channel, purpose, state, attempts, last_error, created_at, updated_at)
                VALUES (\(bind: id), 'con-full', \(bind: channel), \(bind: purpose), \(bind: state), 1, \(bind: error.isEmpty ? nil : error), \(bind: instant), \(bind: instant))
                """
            ).run()
        }
        try await store.sql.raw(
            """
            INSERT INTO webhook_messages (id, type, topup_id, body, state, attempts, last_status, last_error, created_at)
            VALUES ('wh-given-up', 'order.fulfilled', 'con-full', '{}', 'failed', 8, 500, 'the receiver answered 500', \(bind: instant))
            """
        ).run()
        try await store.sql.raw("UPDATE orders SET phone = NULL WHERE topup_id = 'con-full'").run()
    }

    /// Every code a page might show: statuses, delivery states, purposes, channels, audit kinds,
    /// reconciliation differences, webhook states.
    static let codes: [String] =
        OrderStatus.allCases.map(\.rawValue) + DeliveryState.allCases.map(\.rawValue)
        + ["card", "refund_notice", "delay_notice"] + DeliveryChannel.allCases.map(\.rawValue)
        + AuditKind.allCases.map(\.rawValue) + Reconciler.Kind.allCases.map(\.rawValue)
        + WebhookState.allCases.map(\.rawValue)

    /// What a person reads: the page without its style, without the `<code>` elements (where a code is
    /// quoted on purpose, beside its word), and without tags and attributes.
    static func readable(_ html: String) -> String {
        var text = html
        for pattern in [#"(?s)<style>.*?</style>"#, #"(?s)<code[^>]*>.*?</code>"#, #"<[^>]+>"#] {
            text = text.replacingOccurrences(of: pattern, with: " ", options: .regularExpression)
        }
        return text
    }

    /// The codes that appear as words of their own in what a person reads.
    static func untranslated(_ html: String) -> [String] {
        let text = readable(html)
        return codes.filter {
            text.range(
                of: "(?<![A-Za-z0-9_.-])" + NSRegularExpression.escapedPattern(for: $0) + "(?![A-Za-z0-9_-])",
                options: .regularExpression) != nil
        }
    }

    /// The texts wrapped in a left-to-right isolate.
    static func isolated(_ html: String) -> [String] {
        html.components(separatedBy: #"<bdi dir="ltr""#).dropFirst().compactMap {
            guard let start = $0.firstIndex(of: ">"), let end = $0.range(of: "</bdi>") else { return nil }
            return String($0[$0.index(after: start)..<end.lowerBound])
        }
    }

    static func signIn(_ client: any TestClientProtocol) async throws -> String {
        let signedIn = try await ConsoleTests.post(
            client, "/console/login", cookie: nil, form: "token=\(TestApp.adminToken)")
        return try #require(ConsoleTests.cookie(signedIn))
    }

    static func page(_ client: any TestClientProtocol, _ path: String, _ cookie: String, _ locale: CustomerLocale)
        async throws -> String
    {
        let response = try await ConsoleTests.get(
            client, path, cookie: cookie + "; bitaqa_console_lang=" + locale.rawValue)
        #expect(response.status == .ok, "\(path) in \(locale)")
        // Apostrophes are escaped like every value; the checks below read them as a person does.
        return String(buffer: response.body).replacingOccurrences(of: "&#39;", with: "'")
    }

    static let paths = [
        "/console", "/console/orders", "/console/orders/con-full", "/console/orders/con-wait",
        "/console/reconciliation?run=1", "/console/webhooks", "/console/health", "/console/buyers/buyer",
        "/console/send", "/console/send?type=4G", "/console/orders?type=ADSL&status=FULFILLED&from=2025-01-01",
        "/console/orders?bulk=resent&count=2", "/console/buyers/buyer/erase",
        "/console/buyers/buyer?notice=erased&count=2",
    ]

    @Test("every page, in French and Arabic, shows words for statuses, states, kinds and reasons, never a bare code")
    func words() async throws {
        try await TestApp.run(settings: CustomerAPITests.settings, seed: Self.seed) { client, _ in
            let cookie = try await Self.signIn(client)
            for locale in [CustomerLocale.fr, .ar] {
                for path in Self.paths {
                    let html = try await Self.page(client, path, cookie, locale)
                    #expect(Self.untranslated(html).isEmpty, "\(path) in \(locale): \(Self.untranslated(html))")
                }
            }
            // The check can fail: the English page keeps some codes as English words.
            let english = try await Self.page(client, "/console/orders/con-full", cookie, .en)
            #expect(Self.untranslated(english).contains("delivered"))

            let french = try await Self.page(client, "/console/orders/con-full", cookie, .fr)
            #expect(french.contains("Cette adresse e-mail n'existe pas"), "the bounce in words, with the next step")
            #expect(french.contains("<code dir=\"ltr\">\(Self.bounce)</code>"), "the raw error beside it")
            #expect(french.contains("Problème passager"), "a 4xx is temporary")
            #expect(
                french.contains("Carte reçue et chiffrée".lowercased()) && french.contains("<code>CARD_STORED</code>"))
            #expect(
                french.contains("1\u{202F}000\u{00A0}DA") && !french.contains("DZD"), "amounts as French writes them")
            let arabic = try await Self.page(client, "/console/orders/con-full", cookie, .ar)
            #expect(arabic.contains("هذا البريد الإلكتروني غير موجود") && arabic.contains("1000\u{00A0}دج"))
            let webhooks = try await Self.page(client, "/console/webhooks", cookie, .fr)
            #expect(webhooks.contains("the receiver answered 500") && webhooks.contains("abandonné"))
            let reconciliation = try await Self.page(client, "/console/reconciliation?run=1", cookie, .ar)
            #expect(reconciliation.contains("موجود في Bitaqa وغائب لدى OneClickDz"))
            #expect(reconciliation.contains(#"type="date""#))
        }
    }

    @Test("Arabic pages isolate phones, ids, card types and *600# left to right")
    func rightToLeft() async throws {
        try await TestApp.run(settings: CustomerAPITests.settings, seed: Self.seed) { client, _ in
            let cookie = try await Self.signIn(client)
            let order = try await Self.page(client, "/console/orders/con-wait", cookie, .ar)
            let runs = Self.isolated(order)
            #expect(order.contains(#"dir="rtl""#))
            #expect(runs.contains("+21366*****67"), "the masked phone: \(runs)")
            #expect(runs.contains("con-wait") && runs.contains("036362608"), "\(runs)")
            let list = Self.isolated(try await Self.page(client, "/console/orders", cookie, .ar))
            #expect(list.contains("con-full"), "\(list)")
        }
        let summary = RevealPage.OrderSummary(
            type: "4G", number: "213665983439", value: "1000 دج", status: "تم التنفيذ", transactionNumber: "AT-1")
        let revealed = RevealPage.revealed(
            summary, code: CardCode("123456789012"), steps: UsageInstructions.steps(for: .fourG, locale: .ar),
            locale: .ar, shop: ShopIdentity(name: "متجر", support: "+213 555 12 34 56"))
        let runs = Self.isolated(revealed)
        #expect(runs.contains { $0.contains("*600#") }, "\(runs)")
        #expect(runs.contains("4G") && runs.contains("AT-1") && runs.contains("+213 555 12 34 56"), "\(runs)")
    }

    @Test("times are Algiers time: 01:30 UTC reads 02:30")
    func algiersTime() async throws {
        try await TestApp.run(settings: CustomerAPITests.settings, seed: Self.seed) { client, _ in
            let cookie = try await Self.signIn(client)
            for locale in [CustomerLocale.fr, .ar] {
                let html = try await Self.page(client, "/console/orders/con-full", cookie, locale)
                #expect(html.contains("29/11/2025 02:30"), "\(locale)")
                #expect(!html.contains("01:30") && !html.contains("2025-11-29T"), "\(locale)")
            }
            let webhooks = try await Self.page(client, "/console/webhooks", cookie, .fr)
            #expect(webhooks.contains("heure d'Alger") || webhooks.contains("Heures d'Alger"))
        }
    }

    @Test("a refused form comes back to the console page, in the console's language, as an error")
    func formErrors() async throws {
        try await TestApp.run(settings: CustomerAPITests.settings, seed: Self.seed) { client, _ in
            let cookie = try await Self.signIn(client)
            let first = try await Self.page(client, "/console/orders/con-wait", cookie, .fr)
            let token = try #require(ConsoleTests.csrf(first))
            let bad = try await ConsoleTests.post(
                client, "/console/orders/con-wait/contact", cookie: cookie, form: "phone=12345&csrf=\(token)")
            #expect(bad.status == .seeOther)
            let location = try #require(bad.headers[.location])
            for (locale, words) in [(CustomerLocale.fr, "pas un mobile algérien"), (.ar, "ليس رقم هاتف محمول جزائري")] {
                let response = try await ConsoleTests.get(
                    client, location, cookie: cookie + "; bitaqa_console_lang=" + locale.rawValue)
                let html = String(buffer: response.body)
                #expect(response.status == .ok && response.headers[.contentType]?.hasPrefix("text/html") == true)
                #expect(html.contains(#"<p class="error" role="alert">"#) && html.contains(words), "\(locale)")
                #expect(!html.contains(#"class="notice""#), "an error is not a success banner")
            }
            // Resending by SMS an order without a phone: the real reason, as an error.
            let resend = try await ConsoleTests.post(
                client, "/console/orders/con-full/resend", cookie: cookie, form: "channel=sms&csrf=\(token)")
            let resendPage = try await Self.page(client, try #require(resend.headers[.location]), cookie, .fr)
            #expect(resendPage.contains("n'a pas de numéro de téléphone") && !resendPage.contains("C'est fait"))
            #expect(!resendPage.contains(#"class="notice""#))
            // Check now says what it found.
            let check = try await ConsoleTests.post(
                client, "/console/orders/con-wait/check", cookie: cookie, form: "csrf=\(token)")
            let checkPage = try await Self.page(client, try #require(check.headers[.location]), cookie, .fr)
            #expect(
                checkPage.contains("Vérification faite. Statut actuel :") || checkPage.contains("n'a pas répondu"),
                "\(checkPage)")
            #expect(!checkPage.contains("C'est fait"))
        }
    }
}
