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

@Suite("Reveal page over HTTP")
struct RevealPageTests {
    static let tokens = RevealTokens(ring: try! KeyRing(keys: [CustomerAPITests.key]))

    static func token(_ id: String, _ user: String, expiresIn: Int64 = 600_000) -> String {
        tokens.issue(
            topupId: TopupID(id)!, userId: UserID(user)!,
            expiresAt: Int64(Date().timeIntervalSince1970 * 1000) + expiresIn)
    }

    @Test(
        "GET shows the order without the card; POST reveals it, audited as web; strict headers on both",
        arguments: TestDatabase.available)
    func reveal(database: TestDatabase) async throws {
        try await TestApp.run(on: database, settings: CustomerAPITests.settings, seed: CustomerAPITests.seed) {
            client, _ in
            let path = "/cards/" + Self.token("a-full", "alice")
            let page = try await client.execute(uri: path, method: .get)
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            #expect(!html.contains("555666777886"))
            #expect(html.contains(#"<form method="post""#) && html.contains("213665983439"))
            let shown = try await client.execute(uri: path, method: .post, headers: [.userAgent: "Browser/1"])
            let revealed = String(buffer: shown.body)
            #expect(revealed.contains(#"<output id="code">555666777886</output>"#))
            #expect(revealed.contains("AT-9") && revealed.contains("*600#"))
            for response in [page, shown] {
                #expect(
                    response.headers[HTTPField.Name("Content-Security-Policy")!]?.contains("default-src 'none'") == true
                )
                #expect(
                    response.headers[HTTPField.Name("Content-Security-Policy")!]?.contains("'unsafe-inline'") == false)
                #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
                #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
                #expect(response.headers[.cacheControl] == "no-store")
            }
            let audit = try await client.execute(
                uri: "/v1/audit?order=a-full", method: .get, headers: .admin(json: false))
            let viewed = (audit.json?["events"] as? [[String: Any]] ?? []).filter {
                $0["kind"] as? String == "CARD_VIEWED"
            }
            #expect(viewed.count == 1)
            #expect((viewed.first?["details"] as? [String: String])?["channel"] == "web")
        }
    }

    @Test(
        "a link sent before a contact correction stops opening; one made after it opens",
        arguments: TestDatabase.available)
    func linkEndsWithTheContact(database: TestDatabase) async throws {
        let binder = ContactBinder(ring: try KeyRing(keys: [CustomerAPITests.key]))
        let order = NewOrder(
            topupId: TopupID("l-full")!, userId: UserID("alice")!, cardType: .adsl, number: "036362608", value: 500,
            email: "old@shop.dz", locale: .fr, channels: [.email], fingerprint: "l-full")
        let seed: @Sendable (Store) async throws -> Void = { store in
            _ = try await SQLOrderRepository(store: store).register(binder.bound(order), now: 1, firstCheckAt: 1)
            try await CardStoring.store(
                CardCode("998877665544"), for: order.topupId, transactionNumber: "AT-7", processedDate: nil,
                vault: CardVault(keyRing: try KeyRing(keys: [CustomerAPITests.key])), in: store)
        }
        try await TestApp.run(on: database, settings: CustomerAPITests.settings, seed: seed) { client, _ in
            /// The link an email to `email` carries: it names the binding of that address.
            func link(to email: String) -> String {
                let binding = binder.bind(
                    topupId: order.topupId, userId: order.userId, email: email, phone: nil, channels: [.email])
                return "/cards/"
                    + Self.tokens.issue(
                        topupId: order.topupId, userId: order.userId,
                        expiresAt: Int64(Date().timeIntervalSince1970 * 1000) + 600_000, contactBinding: binding.mac)
            }
            let oldLink = link(to: "old@shop.dz")
            #expect(try await client.execute(uri: oldLink, method: .get).status == .ok)
            let corrected = try await client.execute(
                uri: "/v1/orders/l-full", method: .patch, headers: .admin(),
                body: ByteBuffer(string: #"{"email":"new@shop.dz"}"#))
            #expect(corrected.status == .ok)
            let refused = try await client.execute(uri: oldLink, method: .post)
            #expect(refused.status == .notFound && !String(buffer: refused.body).contains("998877665544"))
            let shown = try await client.execute(uri: link(to: "new@shop.dz"), method: .post)
            #expect(String(buffer: shown.body).contains("998877665544"))
        }
    }

    @Test(
        "forged, expired and foreign links get a clear page, not the card",
        arguments: ["forged", "expired", "other-user", "garbage"])
    func invalid(kind: String) async throws {
        try await TestApp.run(settings: CustomerAPITests.settings, seed: CustomerAPITests.seed) { client, _ in
            let token: String
            switch kind {
            case "forged":
                token = RevealTokens(ring: try KeyRing(keys: [SecretBytes.random(count: 32)])).issue(
                    topupId: TopupID("a-full")!, userId: UserID("alice")!, expiresAt: .max)
            case "expired": token = Self.token("a-full", "alice", expiresIn: -1_000)
            case "other-user": token = Self.token("a-full", "bob")
            default: token = "not-a-token"
            }
            for method in [HTTPRequest.Method.get, .post] {
                let response = try await client.execute(uri: "/cards/" + token, method: method)
                #expect(response.status == .notFound)
                let html = String(buffer: response.body)
                #expect(html.contains("expired") && !html.contains("555666777886"))
            }
        }
    }

    @Test("an order without a card says so instead of offering the button; Arabic pages are right to left")
    func notReadyAndRTL() async throws {
        let seed: @Sendable (Store) async throws -> Void = { store in
            try await CustomerAPITests.seed(store)
            try await store.sql.raw("UPDATE orders SET locale = 'ar' WHERE topup_id = 'a-refund'").run()
        }
        try await TestApp.run(settings: CustomerAPITests.settings, seed: seed) { client, _ in
            let page = String(
                buffer: try await client.execute(uri: "/cards/" + Self.token("a-refund", "alice"), method: .get).body)
            #expect(page.contains(#"dir="rtl""#) && page.contains(#"lang="ar""#))
            #expect(!page.contains("<form"))
            #expect(page.contains("استرجاع"))
        }
    }
}
