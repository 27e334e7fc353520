import BitaqaTestSupport
import Foundation
import Testing

/// Gift cards in headless Chromium (`scripts/browser/gift_cards.py`): the buyer's reveal page, reached by
/// the link of a link-mode email in the development outbox, in Arabic, French and English, a partial
/// order among them; and the console's gift-card list and order pages in three languages at desktop and
/// phone width, their links and their forms. Screenshots go to `docs/images/gift-card-*.png`.
@Suite("Gift cards in Chromium")
struct GiftCardBrowserTests {
    static let admin = "gift-card-browser-admin-token-01"
    static let key = String(repeating: "5d", count: 32)
    static let jwtSecret = "gift-card-browser-jwt-secret-7c1e9a3f5b2d4068"

    /// One order this test places: its ref, language, type and size.
    struct Placed {
        let ref: String
        let locale: String
        let typeId: String
        let quantity: Int
        let delivered: Int
        var user: String { "buyer-\(ref)" }
        var status: String { delivered < quantity ? "PARTIALLY_FILLED" : "FULFILLED" }
    }

    static let orders = [
        Placed(ref: "gc-browser-ar", locale: "ar", typeId: "psn-1000", quantity: 3, delivered: 3),
        Placed(ref: "gc-browser-fr", locale: "fr", typeId: "TEST_PARTIAL", quantity: 4, delivered: 2),
        Placed(ref: "gc-browser-en", locale: "en", typeId: "psn-1000", quantity: 1, delivered: 1),
    ]

    static let screenshots = [
        "gift-card-reveal-ar.png", "gift-card-revealed-ar.png", "gift-card-reveal-fr.png",
        "gift-card-revealed-fr.png", "gift-card-reveal-en.png", "gift-card-revealed-en.png",
        "gift-card-console-list-fr.png", "gift-card-console-order-fr.png", "gift-card-console-list-ar.png",
        "gift-card-console-order-ar-phone.png",
    ]

    @Test(
        "the reveal link shows no code until the button, then every code and serial, left to right in Arabic, 2 of 4 when partial; the console's gift-card pages, links and forms stay console pages without a code"
    )
    func giftCards() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let python = environment["BITAQA_TEST_BROWSER_PYTHON"] else {
            #expect(environment["BITAQA_TEST_REQUIRE_POSTGRES"] != "1", "scripts/test must provide the browser")
            return
        }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let shots = Reliability.repository.appendingPathComponent("docs/images").path
        let (location, drop) = try await TestDatabase.sqlite.makeLocation(in: directory)
        // The in-process sandbox, the development outbox, link-mode emails.
        let server = try await ServerProcess.start(
            directory: directory.path,
            environment: [
                "BITAQA_DATA_DIR": directory.path, "BITAQA_DATABASE_URL": TestDatabase.url(of: location),
                "ENCRYPTION_KEY": Self.key, "BITAQA_ADMIN_TOKEN": Self.admin, "BITAQA_JWT_SECRET": Self.jwtSecret,
                "BITAQA_EMAIL_MODE": "link", "BITAQA_RATE_LIMIT_ADDRESS": "0", "BITAQA_POLL_INTERVAL": "0.1",
                "BITAQA_SANDBOX_RESOLVE_MIN": "0.1", "BITAQA_SANDBOX_RESOLVE_MAX": "0.3",
                "BITAQA_SHOP_NAME": "Boutique Ennasr",
            ])
        defer { _ = server.stop() }
        let headers = ["Authorization": "Bearer \(Self.admin)", "Content-Type": "application/json"]

        for order in Self.orders {
            let body = try JSONSerialization.data(
                withJSONObject: [
                    "productId": "psn-dz", "typeId": order.typeId, "quantity": order.quantity, "ref": order.ref,
                    "userId": order.user, "email": "\(order.ref)@shop.dz", "locale": order.locale,
                    "channels": ["email"],
                ], options: [.sortedKeys])
            let (status, reply) = try HTTPProbe.request(
                "POST", server.base + "/v1/gift-card-orders", headers: headers,
                body: String(decoding: body, as: UTF8.self))
            #expect(status == 201, "\(order.ref): \(reply)")
        }

        var input: [[String: Any]] = []
        let outbox = directory.path + "/outbox/email"
        for order in Self.orders {
            // Final, and its one email delivered (the poller looks every 5 s).
            var last = ""
            let final = try await Reliability.waitUntil(.seconds(90), every: .milliseconds(200)) {
                let (_, reply) = try HTTPProbe.request(
                    "GET", server.base + "/v1/gift-card-orders/\(order.ref)", headers: headers)
                last = reply
                guard let object = GiftCardRig.object(reply) else { return false }
                return GiftCardRig.status(object) == order.status && GiftCardRig.delivered(object, count: 1)
            }
            #expect(final, "\(order.ref) not \(order.status) and emailed: \(last)\n\(server.running.lastLines(20))")
            #expect(GiftCardRig.object(last)?["fulfilledQuantity"] as? Int == order.delivered, "\(last)")

            // The cards, as the buyer's customer API gives them.
            let jwt = try await CustomerToken.hs256(subject: order.user, secret: Self.jwtSecret, expiresIn: 600)
            let (cardsStatus, cardsBody) = try HTTPProbe.request(
                "GET", server.base + "/api/gift-card-orders/\(order.ref)/cards",
                headers: ["Authorization": "Bearer \(jwt)"])
            #expect(cardsStatus == 200, "\(cardsBody)")
            let cards = GiftCardRig.cardPairs(cardsBody)
            #expect(cards.count == order.delivered, "\(cardsBody)")
            #expect(cards.allSatisfy { !$0.code.isEmpty && !$0.serial.isEmpty }, "\(cards)")

            // The link of its email in the outbox; a link-mode email holds no code.
            let id = "<" + GiftCardRig.messageID(ref: order.ref, channel: "email", purpose: "gift-cards") + ">"
            var email: String?
            _ = try await Reliability.waitUntil(.seconds(30), every: .milliseconds(100)) {
                email = GiftCardRig.files(in: outbox).map { String(decoding: $0, as: UTF8.self) }.first {
                    $0.contains(id)
                }
                return email != nil
            }
            let raw = try #require(email, "the cards email of \(order.ref) is in \(outbox)")
            let text = GiftCardMIME.decodedText(raw)
            for card in cards {
                #expect(!text.contains(card.code) && !text.contains(card.serial), "a link-mode email holds \(card)")
            }
            let token = try #require(GiftCardProcessTests.revealToken(in: text), "a link in \(text)")
            input.append([
                "ref": order.ref, "locale": order.locale, "url": server.base + "/cards/" + token,
                "quantity": order.quantity, "fulfilled": order.delivered,
                "cards": cards.map { ["code": $0.code, "serial": $0.serial] },
            ])
        }
        let ordersFile = directory.path + "/gift-card-orders.json"
        try JSONSerialization.data(withJSONObject: ["orders": input]).write(to: URL(fileURLWithPath: ordersFile))

        let run = try BrowserScript.run(
            python: python, "gift_cards.py", [server.base, Self.admin, ordersFile, shots], timeout: .seconds(600))
        #expect(run.status == 0, "\(run.stderr.suffix(2_000))")
        let result = try #require(run.result, "\(run.stdout.suffix(2_000)) \(run.stderr.suffix(2_000))")
        for failure in result["failures"] as? [String] ?? ["no failures list"] {
            Issue.record("gift cards in Chromium: \(failure)")
        }

        // The reveal page.
        let reveal = result["reveal"] as? [String: [String: Any]] ?? [:]
        for (order, sent) in zip(Self.orders, input) {
            let page = try #require(reveal[order.ref], "\(order.ref) was opened")
            let cards = (sent["cards"] as? [[String: String]] ?? []).map {
                GiftCardPair(code: $0["code"] ?? "", serial: $0["serial"] ?? "")
            }
            let secrets = cards.flatMap { [$0.code, $0.serial] }
            #expect(page["status"] as? Int == 200 && page["revealedStatus"] as? Int == 200, "\(order.ref): \(page)")
            #expect(page["dir"] as? String == (order.locale == "ar" ? "rtl" : "ltr"), "\(order.ref)")
            #expect(page["lang"] as? String == order.locale, "\(order.ref)")
            let landing = page["landingText"] as? String ?? ""
            #expect((page["landingShows"] as? [String])?.isEmpty == true, "\(order.ref) landing: \(page)")
            #expect(!secrets.contains { landing.contains($0) } && !landing.contains("SBX-"), "\(landing)")
            #expect((page["missing"] as? [String])?.isEmpty == true, "\(order.ref) revealed lacks \(page)")
            #expect(page["shownCodes"] as? [String] == cards.map(\.code), "\(order.ref): \(page)")
            #expect(page["landingFits"] as? Bool == true && page["revealedFits"] as? Bool == true, "\(order.ref)")
            let revealed = page["revealedText"] as? String ?? ""
            for text in [landing, revealed] where order.delivered < order.quantity {
                #expect(
                    GiftCardProcessTests.saysDelivered(2, of: 4, in: text, without: secrets),
                    "the partial page says 2 of 4: \(text)")
            }
            print("gift-card reveal \(order.ref) (\(order.locale)): \(revealed.prefix(600))")
            print("gift-card reveal \(order.ref): lines of each code at 390 px: \(page["codeLines"] ?? "")")
        }
        // In Arabic every code and serial (and the ref) was measured, and read left to right.
        let measurements = result["measurements"] as? [String: Any] ?? [:]
        let arabic = measurements["Arabic gift-card reveal page"] as? [[String: Any]] ?? []
        let arabicSecrets = (input[0]["cards"] as? [[String: String]] ?? []).flatMap { [$0["code"], $0["serial"]] }
        #expect(arabic.count == 6, "\(arabic)")
        for secret in arabicSecrets {
            #expect(
                arabic.contains { $0["text"] as? String == secret && $0["onScreen"] as? String == secret },
                "\(secret ?? "") reads left to right on screen: \(arabic)")
        }
        for (surface, entries) in measurements.sorted(by: { $0.key < $1.key }) {
            let entries = entries as? [[String: Any]] ?? []
            #expect(!entries.isEmpty && entries.allSatisfy { $0["leftToRight"] as? Bool == true }, "\(surface)")
            print("measured \(surface): \(entries.map { "\($0["text"] ?? "") -> \($0["onScreen"] ?? "")" })")
        }
        #expect(measurements.count == 9, "\(measurements.keys.sorted())")

        // The console.
        #expect(result["signedIn"] as? Bool == true)
        #expect((result["secretsShown"] as? [String])?.isEmpty == true, "\(result["secretsShown"] ?? "")")
        #expect((result["outsideLinks"] as? [String])?.isEmpty == true, "\(result["outsideLinks"] ?? "")")
        #expect((result["consoleErrors"] as? [String])?.isEmpty == true, "\(result["consoleErrors"] ?? "")")
        let pages = result["console"] as? [String: [String]] ?? [:]
        #expect(pages.count == 6, "\(pages.keys.sorted())")
        for (name, visited) in pages.sorted(by: { $0.key < $1.key }) {
            #expect(visited.count >= 10, "\(name) visited only \(visited)")
            print("gift-card console \(name): \(visited.count) pages: \(visited.joined(separator: " "))")
        }
        let forms = result["forms"] as? [[String: Any]] ?? []
        #expect(forms.count == 12, "\(forms)")
        for form in forms {
            print(
                "submitted \(form["form"] ?? "") on \(form["ref"] ?? "") (\(form["lang"] ?? "")): \(form["status"] ?? "") \(form["url"] ?? "") notice \(form["notice"] ?? "") error \(form["error"] ?? "")"
            )
        }
        print("gift-card console pages wider than a phone: \(result["overflow"] ?? "")")
        // Each resend went out: a second cards email per order, with a link and still no code.
        for order in Self.orders {
            let id = "<" + GiftCardRig.messageID(ref: order.ref, channel: "email", purpose: "gift-cards") + ">"
            var emails: [String] = []
            _ = try await Reliability.waitUntil(.seconds(30), every: .milliseconds(100)) {
                emails = GiftCardRig.files(in: outbox).map { String(decoding: $0, as: UTF8.self) }.filter {
                    $0.contains(id)
                }
                return emails.count >= 2
            }
            #expect(emails.count == 2, "\(order.ref): \(emails.count) cards emails after the console's resend")
            let texts = emails.map(GiftCardMIME.decodedText)
            #expect(texts.allSatisfy { GiftCardProcessTests.revealToken(in: $0) != nil && !$0.contains("SBX-") })
        }
        let written = result["screenshots"] as? [String] ?? []
        #expect(Set(written) == Set(Self.screenshots), "\(written)")
        for file in Self.screenshots { #expect(FileManager.default.fileExists(atPath: shots + "/" + file)) }
        await drop()
    }
}
