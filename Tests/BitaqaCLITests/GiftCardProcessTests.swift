import BitaqaTestSupport
import Foundation
import NIOConcurrencyHelpers
import Testing

/// Gift-card orders across real processes: `bitaqa serve` (the debug build) against a standalone
/// `bitaqa sandbox` over HTTP, on SQLite and PostgreSQL, delivering by a real SMTP server (or the
/// development outbox), the SMS outbox and the customer API.
@Suite("Gift-card orders across processes")
struct GiftCardProcessTests {
    @Test(
        "3 cards: every code and serial by email and in the customer API, the SMS as INTERFACE.md says; FULFILLED 3",
        arguments: TestDatabase.available)
    func everyChannel(database: TestDatabase) async throws {
        try await GiftCardRig.run(database) { rig in
            let (status, body) = try rig.place(
                ref: "gc-three", typeId: "psn-1000", quantity: 3, userId: "buyer-three", email: "three@shop.dz",
                phone: "0551234567")
            #expect(status == 201, "\(body)")
            let placed = try #require(GiftCardRig.object(body), "\(body)")
            #expect(placed["status"] as? String == "HANDLING", "\(body)")
            let orderId = try #require(placed["orderId"] as? String, "the answered placement has its orderId")
            // One card: the SMS carries its code, as INTERFACE.md says.
            let (oneStatus, oneBody) = try rig.place(
                ref: "gc-one", typeId: "psn-1000", quantity: 1, userId: "buyer-one", email: "one@shop.dz",
                phone: "0661234567")
            #expect(oneStatus == 201, "\(oneBody)")
            let oneId = try #require(GiftCardRig.object(oneBody)?["orderId"] as? String, "\(oneBody)")

            let final = try await rig.waitForOrder("gc-three", "fulfilled and delivered on both channels") {
                GiftCardRig.status($0) == "FULFILLED" && GiftCardRig.delivered($0, count: 2)
            }
            #expect(final?["fulfilledQuantity"] as? Int == 3)
            #expect(final?["quantity"] as? Int == 3)
            #expect(final?["orderId"] as? String == orderId)
            let one = try await rig.waitForOrder("gc-one", "fulfilled and delivered on both channels") {
                GiftCardRig.status($0) == "FULFILLED" && GiftCardRig.delivered($0, count: 2)
            }
            #expect(one?["fulfilledQuantity"] as? Int == 1)

            let upstream = try rig.sandboxOrder(orderId)
            #expect(upstream.status == "FULFILLED" && upstream.cards.count == 3, "\(upstream)")
            let oneCard = try #require(try rig.sandboxOrder(oneId).cards.first)
            let issued = Set(try rig.sandboxIssued())
            for card in upstream.cards + [oneCard] {
                #expect(issued.contains(card.code) && issued.contains(card.serial), "\(card) is in the issued list")
            }

            // Email: every code and every serial.
            let emails = rig.emails(ref: "gc-three", purpose: "gift-cards")
            #expect(emails.count >= 1, "the cards email of gc-three arrived (\(rig.rawEmails().count) emails)")
            for card in upstream.cards {
                #expect(emails.contains { $0.contains(card.code) }, "the email holds the code of \(card)")
                #expect(emails.contains { $0.contains(card.serial) }, "the email holds the serial of \(card)")
            }
            let oneEmails = rig.emails(ref: "gc-one", purpose: "gift-cards")
            #expect(oneEmails.contains { $0.contains(oneCard.code) && $0.contains(oneCard.serial) })

            // Customer API: the owner reads every card, in the upstream's order.
            let (cardsStatus, cardsBody) = try await rig.customer(
                "/api/gift-card-orders/gc-three/cards", user: "buyer-three")
            #expect(cardsStatus == 200, "\(cardsBody)")
            #expect(GiftCardRig.cardPairs(cardsBody) == upstream.cards, "\(cardsBody)")
            #expect(GiftCardRig.object(cardsBody)?["fulfilledQuantity"] as? Int == 3)
            let (oneCardsStatus, oneCardsBody) = try await rig.customer(
                "/api/gift-card-orders/gc-one/cards", user: "buyer-one")
            #expect(oneCardsStatus == 200 && GiftCardRig.cardPairs(oneCardsBody) == [oneCard], "\(oneCardsBody)")

            // SMS: one card, its code and serial.
            let oneSMS = rig.sms(ref: "gc-one", purpose: "gift-cards")
            #expect(oneSMS.count >= 1, "the SMS of gc-one went out")
            #expect(oneSMS.contains { $0.contains(oneCard.code) && $0.contains(oneCard.serial) }, "\(oneSMS)")
            // Several cards: INTERFACE.md, "Gift-card orders": "the SMS the code when the order has one card and
            // the link otherwise"; the link's page shows every code and serial.
            let threeSMS = rig.sms(ref: "gc-three", purpose: "gift-cards")
            #expect(threeSMS.count >= 1, "the SMS of gc-three went out")
            for text in threeSMS {
                guard let token = Self.revealToken(in: text) else {
                    Issue.record(
                        "the SMS of a 3-card order holds neither its codes nor a link to them (INTERFACE.md: \"the SMS the code when the order has one card and the link otherwise\"): \(text)"
                    )
                    continue
                }
                let (landing, _) = try rig.request("GET", "/cards/\(token)", headers: [:])
                #expect(landing == 200)
                let (revealed, page) = try rig.request("POST", "/cards/\(token)", headers: [:])
                #expect(revealed == 200)
                for card in upstream.cards {
                    #expect(page.contains(card.code) && page.contains(card.serial), "the SMS link shows \(card)")
                }
            }
            // No code went anywhere it does not belong: gc-one's card is in no message of gc-three.
            #expect(!(emails + threeSMS).contains { $0.contains(oneCard.code) })
        }
    }

    @Test(
        "TEST_PARTIAL of 4: PARTIALLY_FILLED, 2 cards delivered, the buyer reads 2 of 4",
        arguments: TestDatabase.available
    )
    func partial(database: TestDatabase) async throws {
        try await GiftCardRig.run(database) { rig in
            // Arabic, so the check of the figures is the language-independent one.
            let (status, body) = try rig.place(
                ref: "gc-partial", typeId: "TEST_PARTIAL", quantity: 4, userId: "buyer-partial",
                email: "partial@shop.dz", phone: "0551234567", locale: "ar")
            #expect(status == 201, "\(body)")
            let orderId = try #require(GiftCardRig.object(body)?["orderId"] as? String, "\(body)")
            let final = try await rig.waitForOrder("gc-partial", "partially filled and delivered") {
                GiftCardRig.status($0) == "PARTIALLY_FILLED" && GiftCardRig.delivered($0, count: 2)
            }
            #expect(final?["fulfilledQuantity"] as? Int == 2)
            #expect(final?["quantity"] as? Int == 4)
            let upstream = try rig.sandboxOrder(orderId)
            #expect(upstream.status == "PARTIALLY_FILLED" && upstream.cards.count == 2, "\(upstream)")

            let emails = rig.emails(ref: "gc-partial", purpose: "gift-cards")
            #expect(emails.count >= 1)
            for card in upstream.cards {
                #expect(emails.contains { $0.contains(card.code) && $0.contains(card.serial) }, "\(card) emailed")
            }
            let (cardsStatus, cardsBody) = try await rig.customer(
                "/api/gift-card-orders/gc-partial/cards", user: "buyer-partial")
            #expect(cardsStatus == 200 && GiftCardRig.cardPairs(cardsBody) == upstream.cards, "\(cardsBody)")

            let secrets = upstream.cards.flatMap { [$0.code, $0.serial] }
            let sms = rig.sms(ref: "gc-partial", purpose: "gift-cards")
            #expect(sms.count >= 1)
            for text in emails + sms {
                #expect(Self.saysDelivered(2, of: 4, in: text, without: secrets), "2 of 4 is said: \(text)")
            }
        }
    }

    @Test("TEST_REFUND: REFUNDED, the buyer gets the refund notice and no card", arguments: TestDatabase.available)
    func refunded(database: TestDatabase) async throws {
        try await GiftCardRig.run(database) { rig in
            let (status, body) = try rig.place(
                ref: "gc-refund", typeId: "TEST_REFUND", quantity: 2, userId: "buyer-refund",
                email: "refund@shop.dz", phone: "0551234567", locale: "en")
            #expect(status == 201, "\(body)")
            let orderId = try #require(GiftCardRig.object(body)?["orderId"] as? String, "\(body)")
            let final = try await rig.waitForOrder("gc-refund", "refunded with its notice delivered") {
                GiftCardRig.status($0) == "REFUNDED" && GiftCardRig.delivered($0, count: 2)
            }
            #expect(final?["fulfilledQuantity"] as? Int == 0)
            let upstream = try rig.sandboxOrder(orderId)
            #expect(upstream.status == "REFUNDED" && upstream.cards.isEmpty)

            let notices = rig.emails(ref: "gc-refund", purpose: "gift-refund")
            let smsNotices = rig.sms(ref: "gc-refund", purpose: "gift-refund")
            #expect(notices.count >= 1, "the refund notice was emailed")
            #expect(smsNotices.count >= 1, "the refund notice went by SMS")
            #expect((notices + smsNotices).allSatisfy { $0.contains("gc-refund") }, "the notice names the order")
            #expect(rig.emails(ref: "gc-refund", purpose: "gift-cards").isEmpty, "no cards email")
            #expect(rig.sms(ref: "gc-refund", purpose: "gift-cards").isEmpty, "no cards SMS")
            #expect(try rig.sandboxIssued().isEmpty, "the sandbox issued no card at all")
            let (cardsStatus, cardsBody) = try await rig.customer(
                "/api/gift-card-orders/gc-refund/cards", user: "buyer-refund")
            #expect(cardsStatus == 400 && GiftCardRig.object(cardsBody)?["error"] as? String == "ORDER_NOT_READY")
        }
    }

    @Test(
        "the same ref and body again (in turn and at once): one order, one placeOrder; another body: 409 DUPLICATED_REF",
        arguments: TestDatabase.available)
    func sameRef(database: TestDatabase) async throws {
        try await GiftCardRig.run(database) { rig in
            let body = GiftCardRig.orderBody(
                ref: "gc-same", typeId: "psn-1000", quantity: 2, userId: "buyer-same", email: "same@shop.dz")
            let first = try rig.request("POST", "/v1/gift-card-orders", body: body)
            let again = try rig.request("POST", "/v1/gift-card-orders", body: body)
            #expect(first.status == 201, "\(first.body)")
            #expect(again.status == 200, "\(again.body)")
            let firstId = GiftCardRig.object(first.body)?["orderId"] as? String
            #expect(firstId != nil && GiftCardRig.object(again.body)?["orderId"] as? String == firstId)
            #expect(try rig.sandboxCounts() == (1, 1))

            let other = GiftCardRig.orderBody(
                ref: "gc-same", typeId: "psn-1000", quantity: 3, userId: "buyer-same", email: "same@shop.dz")
            let conflict = try rig.request("POST", "/v1/gift-card-orders", body: other)
            #expect(conflict.status == 409, "\(conflict.body)")
            #expect(GiftCardRig.object(conflict.body)?["error"] as? String == "DUPLICATED_REF", "\(conflict.body)")

            // Six identical requests at once.
            let burst = GiftCardRig.orderBody(
                ref: "gc-burst", typeId: "psn-1000", quantity: 1, userId: "buyer-burst", email: "burst@shop.dz")
            let answers = NIOLockedValueBox<[(Int, String)]>([])
            let server = rig.server
            DispatchQueue.concurrentPerform(iterations: 6) { _ in
                let answer =
                    (try? HTTPProbe.request(
                        "POST", server.base + "/v1/gift-card-orders",
                        headers: [
                            "Authorization": "Bearer \(GiftCardRig.admin)", "Content-Type": "application/json",
                        ], body: burst)) ?? (0, "")
                answers.withLockedValue { $0.append(answer) }
            }
            let statuses = answers.withLockedValue { $0.map(\.0) }.sorted()
            #expect(statuses == [200, 200, 200, 200, 200, 201], "\(answers.withLockedValue { $0 })")
            #expect(try rig.sandboxCounts() == (2, 2), "one placeOrder per ref")
            let refs = try rig.allOrders().compactMap { $0["ref"] as? String }.sorted()
            #expect(refs == ["gc-burst", "gc-same"])
            try await rig.waitForOrder("gc-same", "fulfilled") { GiftCardRig.status($0) == "FULFILLED" }
            #expect(try rig.sandboxCounts() == (2, 2))
        }
    }

    @Test(
        "placeOrder carried out but its answer lost: 201 PLACING, found in the list, delivered; one placeOrder",
        arguments: TestDatabase.available)
    func lostAnswer(database: TestDatabase) async throws {
        try await GiftCardRig.run(database) { rig in
            try rig.setFaults(lostAnswers: 1)
            let (status, body) = try rig.place(
                ref: "gc-lost", typeId: "psn-1000", quantity: 2, userId: "buyer-lost", email: "lost@shop.dz",
                phone: "0551234567")
            #expect(status == 201, "\(body)")
            let placed = GiftCardRig.object(body)
            #expect(placed?["status"] as? String == "PLACING", "\(body)")
            #expect(placed?["orderId"] is NSNull, "no orderId yet: \(body)")
            let upstreamIds = try rig.sandboxOrderIds()
            #expect(upstreamIds.count == 1, "the order exists upstream")

            let final = try await rig.waitForOrder("gc-lost", "found, fulfilled and delivered", timeout: .seconds(90)) {
                GiftCardRig.status($0) == "FULFILLED" && GiftCardRig.delivered($0, count: 2)
            }
            let orderId = try #require(final?["orderId"] as? String)
            #expect([orderId] == upstreamIds, "the order found is the one placed")
            #expect(try rig.sandboxCounts() == (1, 1), "exactly one placeOrder")
            let cards = try rig.sandboxOrder(orderId).cards
            #expect(cards.count == 2)
            let emails = rig.emails(ref: "gc-lost", purpose: "gift-cards")
            for card in cards {
                #expect(emails.contains { $0.contains(card.code) && $0.contains(card.serial) }, "\(card) emailed")
            }
            let (_, cardsBody) = try await rig.customer("/api/gift-card-orders/gc-lost/cards", user: "buyer-lost")
            #expect(GiftCardRig.cardPairs(cardsBody) == cards)
            let (_, audit) = try rig.request("GET", "/v1/audit?order=gc%3Agc-lost")
            #expect(audit.contains(#""foundIn":"list""#), "the audit trail says where it was found: \(audit)")
        }
    }

    @Test(
        "placeOrder refused before reaching the upstream (503): 201 PLACING, NOT_PLACED after BITAQA_GIFT_CARD_RESOLVE_AFTER, never placed again, the buyer told",
        arguments: TestDatabase.available)
    func neverReached(database: TestDatabase) async throws {
        try await GiftCardRig.run(database) { rig in
            try rig.setFaults(unavailable: 1)
            let placedAt = ContinuousClock.now
            let (status, body) = try rig.place(
                ref: "gc-unplaced", typeId: "psn-1000", quantity: 1, userId: "buyer-unplaced",
                email: "unplaced@shop.dz", phone: "0551234567", locale: "fr")
            #expect(status == 201, "\(body)")
            #expect(GiftCardRig.object(body)?["status"] as? String == "PLACING", "\(body)")

            // The first moment it is seen out of PLACING; seen no earlier than it happened.
            var leftPlacing: ContinuousClock.Instant?
            let final = try await rig.waitForOrder("gc-unplaced", "NOT_PLACED", timeout: .seconds(60)) { order in
                if GiftCardRig.status(order) != "PLACING", leftPlacing == nil { leftPlacing = .now }
                return GiftCardRig.status(order) == "NOT_PLACED"
            }
            let waited = (leftPlacing ?? .now) - placedAt
            #expect(waited >= .seconds(10), "left PLACING \(waited) after the placement: \(final ?? [:])")
            #expect(waited < .seconds(40), "NOT_PLACED only \(waited) after the placement")
            #expect(final?["orderId"] is NSNull)
            #expect(try rig.sandboxCounts() == (1, 0), "one placeOrder, refused; nothing bought")

            // The buyer is told: a not-placed notice on each channel.
            let told = try await rig.waitForMessages(.seconds(30)) {
                !rig.emails(ref: "gc-unplaced", purpose: "gift-not-placed").isEmpty
                    && !rig.sms(ref: "gc-unplaced", purpose: "gift-not-placed").isEmpty
            }
            let after = try rig.order("gc-unplaced")
            #expect(
                told,
                "no not-placed notice: deliveries \(after.map(GiftCardRig.deliveryStates) ?? []), \(rig.rawEmails().count) emails, \(rig.rawSMS().count) SMS"
            )
            #expect(
                (rig.emails(ref: "gc-unplaced", purpose: "gift-not-placed")
                    + rig.sms(ref: "gc-unplaced", purpose: "gift-not-placed")).allSatisfy { $0.contains("gc-unplaced") }
            )
            // Still never placed again, a while later.
            try await Task.sleep(for: .seconds(2))
            #expect(try rig.sandboxCounts() == (1, 0))
            #expect(try rig.order("gc-unplaced").map(GiftCardRig.status) == "NOT_PLACED")
        }
    }

    @Test(
        "two identical orders placed around Bitaqa meanwhile: UNCERTAIN with both candidates; settled by register, then HANDLING, FULFILLED and delivered",
        arguments: TestDatabase.available)
    func uncertain(database: TestDatabase) async throws {
        try await GiftCardRig.run(database) { rig in
            try rig.setFaults(unavailable: 1)
            let (status, body) = try rig.place(
                ref: "gc-unsure", typeId: "psn-1000", quantity: 1, userId: "buyer-unsure", email: "unsure@shop.dz",
                phone: "0551234567")
            #expect(status == 201 && GiftCardRig.object(body)?["status"] as? String == "PLACING", "\(body)")
            let around = [
                try rig.placeAround(typeId: "psn-1000", quantity: 1),
                try rig.placeAround(typeId: "psn-1000", quantity: 1),
            ]
            let unsure = try await rig.waitForOrder("gc-unsure", "UNCERTAIN", timeout: .seconds(60)) {
                GiftCardRig.status($0) == "UNCERTAIN"
            }
            let candidates = (unsure?["candidates"] as? [[String: Any]] ?? []).compactMap { $0["orderId"] as? String }
            #expect(Set(candidates) == Set(around) && candidates.count == 2, "\(unsure ?? [:])")
            #expect(unsure?["orderId"] is NSNull)

            let chosen = around[1]
            let register = try rig.request(
                "POST", "/v1/gift-card-orders/register",
                body:
                    #"{"orderId":"\#(chosen)","ref":"gc-unsure","userId":"buyer-unsure","email":"unsure@shop.dz","phone":"0551234567"}"#
            )
            #expect([200, 201].contains(register.status), "\(register.body)")
            let settled = GiftCardRig.object(register.body)
            #expect(settled?["status"] as? String == "HANDLING", "\(register.body)")
            #expect(settled?["orderId"] as? String == chosen)

            let final = try await rig.waitForOrder("gc-unsure", "fulfilled and delivered") {
                GiftCardRig.status($0) == "FULFILLED" && GiftCardRig.delivered($0, count: 2)
            }
            #expect(final?["orderId"] as? String == chosen)
            let card = try #require(try rig.sandboxOrder(chosen).cards.first)
            let other = try #require(try rig.sandboxOrder(around[0]).cards.first)
            let emails = rig.emails(ref: "gc-unsure", purpose: "gift-cards")
            #expect(emails.contains { $0.contains(card.code) && $0.contains(card.serial) }, "the chosen card emailed")
            #expect(!emails.contains { $0.contains(other.code) }, "not the other candidate's card")
            let (_, cardsBody) = try await rig.customer("/api/gift-card-orders/gc-unsure/cards", user: "buyer-unsure")
            #expect(GiftCardRig.cardPairs(cardsBody) == [card])
            #expect(try rig.sandboxCounts() == (3, 2), "Bitaqa's refused placeOrder and the two placed around it")
        }
    }

    @Test(
        "another buyer's token on /api/gift-card-orders/{ref}/cards gets the 404 of an unknown ref",
        arguments: TestDatabase.available)
    func anotherBuyer(database: TestDatabase) async throws {
        try await GiftCardRig.run(database) { rig in
            let (status, body) = try rig.place(
                ref: "gc-mine", typeId: "psn-1000", quantity: 1, userId: "buyer-owner", email: "owner@shop.dz")
            #expect(status == 201, "\(body)")
            try await rig.waitForOrder("gc-mine", "fulfilled") { GiftCardRig.status($0) == "FULFILLED" }
            let owner = try await rig.customer("/api/gift-card-orders/gc-mine/cards", user: "buyer-owner")
            #expect(owner.status == 200 && GiftCardRig.cardPairs(owner.body).count == 1, "\(owner.body)")

            for suffix in ["/cards", ""] {
                let stranger = try await rig.customer("/api/gift-card-orders/gc-mine\(suffix)", user: "buyer-other")
                let unknown = try await rig.customer("/api/gift-card-orders/gc-nobody\(suffix)", user: "buyer-other")
                let ownUnknown = try await rig.customer("/api/gift-card-orders/gc-nobody\(suffix)", user: "buyer-owner")
                #expect(stranger.status == 404, "\(stranger.body)")
                #expect(stranger.status == unknown.status && stranger.body == unknown.body, "\(stranger) vs \(unknown)")
                #expect(unknown.status == ownUnknown.status && unknown.body == ownUnknown.body)
                #expect(GiftCardRig.object(stranger.body)?["error"] as? String == "ORDER_NOT_FOUND")
            }
            let (_, list) = try await rig.customer("/api/gift-card-orders", user: "buyer-other")
            #expect(!list.contains("gc-mine"), "another buyer's list leaves it out: \(list)")
        }
    }

    // MARK: - Helpers

    /// The token of a `/cards/{token}` link in a message.
    static func revealToken(in text: String) -> String? {
        guard let range = text.range(of: "/cards/") else { return nil }
        let token = text[range.upperBound...].prefix { $0.isLetter || $0.isNumber || "-_.".contains($0) }
        return token.isEmpty ? nil : String(token)
    }

    /// Whether `text` says `delivered` of `ordered`, in any language: the two figures with only non-digits
    /// (words, spaces, isolates) between them, once the codes and serials are taken out.
    static func saysDelivered(_ delivered: Int, of ordered: Int, in text: String, without secrets: [String]) -> Bool {
        var cleaned = text
        for secret in secrets { cleaned = cleaned.replacingOccurrences(of: secret, with: " ") }
        let pattern = "(^|[^0-9])\(delivered)[^0-9]{1,40}\(ordered)([^0-9]|$)"
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return false }
        return regex.firstMatch(in: cleaned, range: NSRange(cleaned.startIndex..., in: cleaned)) != nil
    }
}
