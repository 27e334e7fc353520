import Audit
import BitaqaCore
import CardVault
import Foundation
import Logging
import Metrics
import Orders
import OrdersDoubles
import Testing

/// Gift-card orders over the in-memory doubles: the shop's ref as the idempotency key the upstream
/// lacks, an unanswered `placeOrder` found in the list and never sent twice, and the cards sealed by
/// position and queued for delivery when the order is final.
@Suite("Gift-card orders")
struct GiftCardOrderTests {
    struct Shop {
        let world: World
        let upstream: FakeGiftCardUpstream
        let placement: GiftCardPlacement
        let tracker: GiftCardTracker
        var repository: any GiftCardRepository { world.context.repositories.giftCards }

        init(maxQuantity: Int = 10) throws {
            world = try World()
            upstream = FakeGiftCardUpstream(time: world.clock.source)
            let schedule = GiftCardSchedule()
            placement = GiftCardPlacement(
                context: world.context, upstream: upstream, catalogue: GiftCardCatalogue(upstream: upstream),
                account: nil, binder: world.binder, maxQuantity: maxQuantity, schedule: schedule)
            tracker = GiftCardTracker(
                context: world.context, upstream: upstream, vault: world.vault, schedule: schedule,
                logger: world.log.logger("gift-cards"))
        }

        func place(_ ref: String, type: String = "psn-1000", quantity: Int = 3, email: String = "buyer@example.dz")
            async throws -> GiftCardPlacement.Placed
        {
            try await placement.place(
                GiftCardPlacement.Request(
                    ref: ref, productId: "psn-dz", typeId: type, quantity: quantity,
                    contact: OrderRegistrar.Contact(
                        userId: UserID("user-1")!, email: email, phone: "0551234567", locale: .fr,
                        channels: [.email, .sms])),
                by: MerchantOrders.Requester(
                    actor: "merchant", requestID: nil, clientRequestID: nil, session: nil, limited: false),
                logger: Logger(label: "test"))
        }

        /// Moves the clock on and runs the tracker's pass, `times` times.
        func track(after step: Duration = .seconds(5), times: Int = 1) async throws {
            for _ in 0..<times {
                world.clock.advance(by: step)
                try await tracker.pass()
            }
        }

        func kinds(_ ref: String) async throws -> [String] {
            try await world.trail.events(of: GiftCardKey.key(for: ref)!).map {
                $0.event.kind.rawValue + ($0.event.details["to"].map { ">" + $0 } ?? "")
            }
        }
    }

    static let codes: [(code: String, serial: String?)] = [
        ("SBX-CANARY-A1", "SN-0001"), ("SBX-CANARY-B2", "SN-0002"), ("SBX-CANARY-C3", nil),
    ]

    @Test("three cards: placed once, tracked to FULFILLED, each code and serial sealed at its position")
    func fulfilled() async throws {
        let shop = try Shop()
        let placed = try await shop.place("shop-1")
        #expect(placed.created && placed.order.status == .handling)
        let orderId = try #require(placed.order.details.orderId)
        #expect(shop.upstream.placeOrderCalls == 1)
        try await shop.track()
        #expect(try await shop.repository.find(ref: "shop-1")?.status == .handling)
        shop.upstream.settle(orderId, codes: Self.codes)
        try await shop.track()
        let order = try #require(try await shop.repository.find(ref: "shop-1"))
        #expect(order.status == .fulfilled && order.details.fulfilledQuantity == 3)
        #expect(order.details.nextCheckAt == nil)
        let cards = try await shop.repository.cards(ofRef: "shop-1")
        #expect(cards.map(\.position) == [1, 2, 3])
        for (card, expected) in zip(cards, Self.codes) {
            let code = try shop.world.vault.open(
                card.code, giftCardOf: order.key, userId: order.order.userId, position: card.position, part: .code)
            #expect(code.revealed == expected.code)
            #expect((card.serial == nil) == (expected.serial == nil))
            if let serial = card.serial {
                let opened = try shop.world.vault.open(
                    serial, giftCardOf: order.key, userId: order.order.userId, position: card.position,
                    part: .serial)
                #expect(opened.revealed == expected.serial)
            }
        }
        let deliveries = try await shop.world.context.repositories.orders.deliveries(of: order.key)
        #expect(Set(deliveries.map(\.channel)) == [.email, .sms] && deliveries.allSatisfy { $0.purpose == .card })
        #expect(
            try await shop.kinds("shop-1") == [
                "ORDER_REGISTERED", "STATUS_CHANGED>HANDLING", "STATUS_CHANGED>FULFILLED", "CARD_STORED",
            ])
        try await shop.track(times: 3)
        #expect(
            shop.upstream.calls.filter { $0.endpoint == .checkOrder }.count == 2, "a final order is not asked about")
    }

    @Test("the same request again places nothing; another request under the ref is DUPLICATED_REF")
    func idempotent() async throws {
        let shop = try Shop()
        let first = try await shop.place("shop-2")
        let again = try await shop.place("shop-2")
        #expect(!again.created && again.order.details.orderId == first.order.details.orderId)
        await #expect(throws: PublicError.self) { try await shop.place("shop-2", quantity: 2) }
        await #expect(throws: PublicError.self) { try await shop.place("shop-2", email: "other@example.dz") }
        #expect(shop.upstream.placeOrderCalls == 1)
    }

    @Test("checked before anything is placed: quantity, type, stock")
    func refusedBeforePlacing() async throws {
        let shop = try Shop(maxQuantity: 5)
        for (quantity, type, code) in [
            (0, "psn-1000", PublicErrorCode.badRequest), (6, "psn-1000", .badRequest),
            (1, "no-such-type", .upstreamValidation), (4, "psn-2000", .outOfStock),
        ] {
            do {
                _ = try await shop.place("shop-bad-\(quantity)-\(type)", type: type, quantity: quantity)
                Issue.record("\(quantity) × \(type) was placed")
            } catch let error as PublicError {
                #expect(error.code == code, "\(quantity) × \(type): \(error)")
            }
        }
        #expect(shop.upstream.placeOrderCalls == 0)
        #expect(try await shop.repository.pending(limit: 10).isEmpty)
    }

    @Test("a placeOrder carried out whose answer is lost is found in the list, with one placeOrder in all")
    func lostAnswerFound() async throws {
        let shop = try Shop()
        shop.upstream.fail(.placeOrder, .lostAnswer(FakeGiftCardUpstream.lostAnswerError))
        let placed = try await shop.place("shop-3")
        #expect(placed.created && placed.order.status == .placing && placed.order.details.orderId == nil)
        try await shop.track()
        let found = try #require(try await shop.repository.find(ref: "shop-3"))
        #expect(found.status == .handling && found.details.orderId == shop.upstream.orders.first?.orderId)
        shop.upstream.settle(found.details.orderId!, codes: Self.codes)
        try await shop.track()
        #expect(try await shop.repository.find(ref: "shop-3")?.status == .fulfilled)
        #expect(shop.upstream.placeOrderCalls == 1)
        let again = try await shop.place("shop-3")
        #expect(!again.created && shop.upstream.placeOrderCalls == 1)
    }

    @Test("a placeOrder that never reached the upstream ends NOT_PLACED after the resolve delay, never sent twice")
    func neverReached() async throws {
        let shop = try Shop()
        shop.upstream.fail(.placeOrder, .refused(FakeGiftCardUpstream.unavailableError))
        #expect(try await shop.place("shop-4").order.status == .placing)
        try await shop.track(times: 20)
        #expect(try await shop.repository.find(ref: "shop-4")?.status == .placing, "100 s: not yet surely absent")
        try await shop.track(times: 5)
        #expect(try await shop.repository.find(ref: "shop-4")?.status == .notPlaced)
        #expect(shop.upstream.placeOrderCalls == 1 && shop.upstream.orders.isEmpty)
        #expect(try await shop.kinds("shop-4") == ["ORDER_REGISTERED", "STATUS_CHANGED>NOT_PLACED"])
    }

    @Test("an upstream refusal is the API's error and the order NOT_PLACED")
    func refusedUpstream() async throws {
        let shop = try Shop()
        shop.upstream.setBalance(10)
        await #expect(throws: PublicError.self) { try await shop.place("shop-5") }
        #expect(try await shop.repository.find(ref: "shop-5")?.status == .notPlaced)
    }

    @Test("two identical orders placed around Bitaqa make an UNCERTAIN that the merchant settles")
    func uncertain() async throws {
        let shop = try Shop()
        shop.upstream.fail(.placeOrder, .refused(FakeGiftCardUpstream.lostAnswerError))
        _ = try await shop.place("shop-6")
        let first = try await shop.upstream.placeOrder(productId: "psn-dz", typeId: "psn-1000", quantity: 3)
        let second = try await shop.upstream.placeOrder(productId: "psn-dz", typeId: "psn-1000", quantity: 3)
        _ = try await shop.upstream.placeOrder(productId: "psn-dz", typeId: "psn-1000", quantity: 2)
        try await shop.track()
        let uncertain = try #require(try await shop.repository.find(ref: "shop-6"))
        #expect(uncertain.status == .uncertain)
        #expect(Set(uncertain.details.candidates.map(\.orderId)) == [first, second])
        let requester = MerchantOrders.Requester(
            actor: "staff:amina", requestID: nil, clientRequestID: nil, session: nil, limited: false)
        let contact = OrderRegistrar.Contact(
            userId: UserID("user-1")!, email: "buyer@example.dz", phone: "0551234567", locale: .fr,
            channels: [.email, .sms])
        await #expect(throws: PublicError.self) {
            try await shop.placement.register(
                orderId: "not-a-candidate", ref: "shop-6", contact: contact, by: requester)
        }
        let stranger = OrderRegistrar.Contact(
            userId: UserID("user-1")!, email: "thief@example.dz", phone: nil, locale: .fr, channels: [.email])
        await #expect(throws: PublicError.self, "another contact under the ref is another request") {
            try await shop.placement.register(orderId: second, ref: "shop-6", contact: stranger, by: requester)
        }
        let settled = try await shop.placement.register(orderId: second, ref: "shop-6", contact: contact, by: requester)
        #expect(settled.order.status == .handling && settled.order.details.orderId == second)
        shop.upstream.settle(second, codes: Self.codes)
        try await shop.track()
        #expect(try await shop.repository.find(ref: "shop-6")?.status == .fulfilled)
        #expect(try await shop.kinds("shop-6").contains("STATUS_CHANGED>UNCERTAIN"))
    }

    @Test("a partial fill keeps the cards that came; a refund queues the refund notice")
    func partialAndRefund() async throws {
        let shop = try Shop()
        let partial = try await shop.place("shop-7", quantity: 4)
        shop.upstream.settle(partial.order.details.orderId!, codes: Array(Self.codes.prefix(2)))
        let refunded = try await shop.place("shop-8", quantity: 1)
        shop.upstream.settle(refunded.order.details.orderId!, codes: [])
        try await shop.track()
        let partly = try #require(try await shop.repository.find(ref: "shop-7"))
        #expect(partly.status == .partiallyFilled && partly.details.fulfilledQuantity == 2)
        #expect(try await shop.repository.cards(ofRef: "shop-7").count == 2)
        let gone = try #require(try await shop.repository.find(ref: "shop-8"))
        #expect(gone.status == .refunded && gone.details.fulfilledQuantity == 0)
        #expect(try await shop.repository.cards(ofRef: "shop-8").isEmpty)
        let notices = try await shop.world.context.repositories.orders.deliveries(of: gone.key)
        #expect(notices.count == 2 && notices.allSatisfy { $0.purpose == .refundNotice })
    }

    @Test("a registered order the shop placed itself is tracked; its orderId cannot be registered twice")
    func registered() async throws {
        let shop = try Shop()
        let orderId = try await shop.upstream.placeOrder(productId: "psn-dz", typeId: "psn-1000", quantity: 1)
        let requester = MerchantOrders.Requester(
            actor: "merchant", requestID: nil, clientRequestID: nil, session: nil, limited: false)
        let contact = OrderRegistrar.Contact(
            userId: UserID("user-9")!, email: "nine@example.dz", phone: nil, locale: .ar, channels: [.email])
        let registered = try await shop.placement.register(orderId: orderId, ref: nil, contact: contact, by: requester)
        #expect(registered.created && registered.order.details.ref == orderId)
        #expect(registered.order.details.productTitle == "PlayStation Network DZ")
        #expect(registered.order.details.typeName == "PSN 1000 DA")
        await #expect(throws: PublicError.self) {
            try await shop.placement.register(orderId: orderId, ref: "other-ref", contact: contact, by: requester)
        }
        shop.upstream.settle(orderId, codes: [Self.codes[0]])
        try await shop.track()
        #expect(try await shop.repository.find(ref: orderId)?.status == .fulfilled)
    }
}

@Suite("Gift-card orders: webhooks and key rotation")
struct GiftCardAroundTests {
    static func messages(_ shop: GiftCardOrderTests.Shop) async throws -> [(type: String, data: [String: Any])] {
        try await shop.world.context.repositories.webhooks.messages(state: nil, limit: 100, after: nil).reversed().map {
            let object = try JSONSerialization.jsonObject(with: Data($0.body.utf8)) as? [String: Any]
            return ($0.type, object?["data"] as? [String: Any] ?? [:])
        }
    }

    @Test("webhooks name the ref, the orderId and the product; partial, not placed and uncertain have their types")
    func webhooks() async throws {
        let shop = try GiftCardOrderTests.Shop()
        let full = try await shop.place("wh-1")
        let partial = try await shop.place("wh-2", quantity: 4)
        shop.upstream.settle(full.order.details.orderId!, codes: GiftCardOrderTests.codes)
        shop.upstream.settle(partial.order.details.orderId!, codes: Array(GiftCardOrderTests.codes.prefix(2)))
        shop.upstream.fail(.placeOrder, .refused(FakeGiftCardUpstream.unavailableError))
        _ = try await shop.place("wh-3")
        try await shop.track(times: 30)
        let sent = try await Self.messages(shop)
        let byRef = Dictionary(grouping: sent) { $0.data["ref"] as? String ?? "" }
        #expect(byRef["wh-1"]?.map(\.type) == ["order.fulfilled"])
        #expect(byRef["wh-2"]?.map(\.type) == ["order.partially_filled"])
        #expect(byRef["wh-3"]?.map(\.type) == ["order.not_placed"])
        let fulfilled = try #require(byRef["wh-1"]?.first?.data)
        #expect(fulfilled["product"] as? String == "gift-card")
        #expect(fulfilled["orderId"] as? String == full.order.details.orderId)
        #expect(fulfilled["topupId"] == nil)
        #expect(byRef["wh-3"]?.first?.data["orderId"] is NSNull)
        for message in sent {
            let text = "\(message.data)"
            #expect(!text.contains("SBX-CANARY"), "a webhook carries a code: \(text)")
        }
    }

    @Test("keys rotate moves every gift card, code and serial, to the new key; nothing is left pending")
    func rotation() async throws {
        let shop = try GiftCardOrderTests.Shop()
        let placed = try await shop.place("rot-1")
        shop.upstream.settle(placed.order.details.orderId!, codes: GiftCardOrderTests.codes)
        try await shop.track()
        let newKey = SecretBytes(hex: String(repeating: "6f", count: 32), byteCount: 32)!
        let vault = CardVault(keyRing: try KeyRing(keys: [newKey, World.key]))
        let rotator = KeyRotator(context: shop.world.context, vault: vault)
        #expect(try await rotator.pending() == 3)
        let report = try await rotator.rotate(batchSize: 2, logger: Logger(label: "test"))
        #expect(report.moved == 3 && report.unreadable.isEmpty && report.remaining.isEmpty)
        #expect(try await rotator.pending() == 0)
        let order = try #require(try await shop.repository.find(ref: "rot-1"))
        let cards = try await shop.repository.cards(ofRef: "rot-1")
        #expect(cards.allSatisfy { $0.keyID == vault.keyRing.activeKeyID.hex })
        let opened = try cards.map {
            try vault.open(
                $0.code, giftCardOf: order.key, userId: order.order.userId, position: $0.position, part: .code)
        }
        #expect(opened.map(\.revealed) == GiftCardOrderTests.codes.map(\.code))
        let serial = try vault.open(
            cards[0].serial!, giftCardOf: order.key, userId: order.order.userId, position: 1, part: .serial)
        #expect(serial.revealed == "SN-0001")
    }
}

@Suite("Gift-card orders: tracking by the list")
struct GiftCardListTrackingTests {
    @Test("several placed orders due at once are answered by one list call, not one checkOrder each")
    func byList() async throws {
        let shop = try GiftCardOrderTests.Shop()
        var orderIds: [String] = []
        for index in 1...6 {
            orderIds.append(try await shop.place("list-\(index)", quantity: 1).order.details.orderId!)
        }
        for (index, orderId) in orderIds.enumerated() where index < 4 {
            shop.upstream.settle(orderId, codes: [("SBX-LIST-\(index)", "SN-L\(index)")])
        }
        try await shop.track()
        let checks = shop.upstream.calls.filter { $0.endpoint == .checkOrder }.count
        let lists = shop.upstream.calls.filter { $0.endpoint == .list }.count
        #expect(checks == 0 && lists == 1, "checkOrder \(checks), list \(lists)")
        for index in 1...6 {
            let status = try await shop.repository.find(ref: "list-\(index)")?.status
            #expect(status == (index <= 4 ? .fulfilled : .handling), "list-\(index): \(String(describing: status))")
        }
        let card = try await shop.repository.cards(ofRef: "list-2")
        #expect(card.count == 1)
        shop.upstream.settle(orderIds[4], codes: [("SBX-LIST-4", nil)])
        shop.upstream.settle(orderIds[5], codes: [("SBX-LIST-5", nil)])
        try await shop.track()
        #expect(try await shop.repository.find(ref: "list-5")?.status == .fulfilled)
        #expect(try await shop.repository.find(ref: "list-6")?.status == .fulfilled)
        #expect(shop.upstream.calls.filter { $0.endpoint == .list }.count == 1, "two due: checked one by one")
        // A list that fails answers for nobody: each order is asked about on its own.
        var more: [String] = []
        for index in 7...9 { more.append(try await shop.place("list-\(index)", quantity: 1).order.details.orderId!) }
        for orderId in more { shop.upstream.settle(orderId, codes: [("SBX-\(orderId)", nil)]) }
        shop.upstream.fail(.list, .refused(FakeGiftCardUpstream.unavailableError))
        try await shop.track()
        for index in 7...9 { #expect(try await shop.repository.find(ref: "list-\(index)")?.status == .fulfilled) }
    }
}

@Suite("Gift-card orders: delivery")
struct GiftCardDeliveryTests {
    @Test("the email carries every code and serial; the SMS of several cards none; a NOT_PLACED buyer is told")
    func delivered() async throws {
        let shop = try GiftCardOrderTests.Shop()
        let placed = try await shop.place("dl-1")
        shop.upstream.settle(placed.order.details.orderId!, codes: GiftCardOrderTests.codes)
        shop.upstream.fail(.placeOrder, .refused(FakeGiftCardUpstream.unavailableError))
        _ = try await shop.place("dl-2", email: "two@example.dz")
        try await shop.track(times: 30)
        #expect(try await shop.repository.find(ref: "dl-2")?.status == .notPlaced)
        try await shop.world.deliverer.pass()
        let emails = shop.world.email.sent
        let card = try #require(emails.first { $0.recipient == "buyer@example.dz" })
        for (code, serial) in GiftCardOrderTests.codes {
            #expect(card.text.contains(code))
            if let serial { #expect(card.text.contains(serial)) }
            #expect(!card.subject.contains(code))
        }
        let sms = try #require(shop.world.sms.sent.first { $0.topupId == placed.order.key })
        #expect(GiftCardOrderTests.codes.allSatisfy { !sms.text.contains($0.code) }, "three cards do not fit an SMS")
        let notice = try #require(emails.first { $0.recipient == "two@example.dz" })
        #expect(!notice.text.contains("SBX-"))
        let deliveries = try await shop.world.context.repositories.orders.deliveries(of: placed.order.key)
        #expect(deliveries.allSatisfy { $0.state == .delivered })
        // Resend is a new audited attempt, with the same cards.
        _ = try await Resender(context: shop.world.context).resend(
            placed.order.key, channel: .email, actor: "merchant", requestID: nil)
        try await shop.world.deliverer.pass()
        #expect(shop.world.email.sent.filter { $0.recipient == "buyer@example.dz" }.count == 2)
    }
}

@Suite("Gift-card orders: a lost answer beside a placement in flight")
struct GiftCardInFlightTests {
    @Test("an unanswered order does not take the upstream order of another one whose placeOrder is in flight")
    func waitsForTheOtherAnswer() async throws {
        let shop = try GiftCardOrderTests.Shop()
        shop.upstream.fail(.placeOrder, .refused(FakeGiftCardUpstream.unavailableError))
        _ = try await shop.place("lost-1", quantity: 2)
        // Another order like it, stored and sent, its answer not yet recorded: its upstream order exists.
        let new = NewGiftCardOrder(
            ref: "flying-2", userId: UserID("user-2")!, productId: "psn-dz", productTitle: "PlayStation Network DZ",
            typeId: "psn-1000", typeName: "PSN 1000 DA", quantity: 2, pricePerCard: 1050, email: "b@example.dz",
            phone: nil, locale: .fr, channels: [.email], fingerprint: "f")
        let repositories = shop.world.context.repositories
        let now = shop.world.clock.now
        _ = try await repositories.transaction { transaction in
            try await repositories.giftCards.insert(
                new, status: .placing, orderId: nil, binding: nil, nextCheckAt: now + 60_000, now: now,
                in: transaction)
        }
        let flying = try await shop.upstream.placeOrder(productId: "psn-dz", typeId: "psn-1000", quantity: 2)
        try await shop.track()
        #expect(try await shop.repository.find(ref: "lost-1")?.status == .placing, "it waits for the other answer")
        let flyingOrder = try #require(try await shop.repository.find(ref: "flying-2"))
        let answered = try await repositories.transaction { transaction in
            try await repositories.giftCards.recordPlaced(
                ref: "flying-2", orderId: flying,
                binding: shop.world.binder.bind(giftCardOrder: flyingOrder, to: flying),
                nextCheckAt: shop.world.clock.now, now: shop.world.clock.now, in: transaction)
        }
        #expect(answered)
        try await shop.track(times: 30)
        #expect(try await shop.repository.find(ref: "lost-1")?.status == .notPlaced)
        #expect(try await shop.repository.find(ref: "flying-2")?.details.orderId == flying)
    }
}

@Suite("Gift-card orders: explicit checks")
struct GiftCardCheckNowTests {
    @Test("the API's checks are held to the cooldown, audited each time; a person's are not held")
    func cooldown() async throws {
        let shop = try GiftCardOrderTests.Shop()
        let placed = try await shop.place("chk-1")
        let giftCards = GiftCards(
            context: shop.world.context, upstream: shop.upstream, vault: shop.world.vault, binder: shop.world.binder,
            account: nil, maxQuantity: 10, schedule: GiftCardSchedule(), logger: Logger(label: "test"),
            metrics: GiftCardMetrics(factory: NOOPMetricsHandler.instance))
        func requester(limited: Bool) -> MerchantOrders.Requester {
            MerchantOrders.Requester(
                actor: limited ? "merchant" : "console", requestID: nil, clientRequestID: nil, session: nil,
                limited: limited)
        }
        _ = try await giftCards.checkNow("chk-1", by: requester(limited: true), context: shop.world.context)
        await #expect(throws: OnDemandCheck.TooSoon.self) {
            try await giftCards.checkNow("chk-1", by: requester(limited: true), context: shop.world.context)
        }
        _ = try await giftCards.checkNow("chk-1", by: requester(limited: false), context: shop.world.context)
        shop.world.clock.advance(by: .seconds(5))
        shop.upstream.settle(placed.order.details.orderId!, codes: [GiftCardOrderTests.codes[0]])
        let checked = try await giftCards.checkNow("chk-1", by: requester(limited: true), context: shop.world.context)
        #expect(checked.status == .partiallyFilled)
        let requested = try await shop.kinds("chk-1").filter { $0 == "CHECK_REQUESTED" }
        #expect(requested.count == 3)
    }
}

@Suite("Gift-card orders: settling a PLACING order")
struct GiftCardSettlePlacingTests {
    @Test("a PLACING order is settled only with an upstream order of its product, type and quantity")
    func matchOnly() async throws {
        let shop = try GiftCardOrderTests.Shop()
        shop.upstream.fail(.placeOrder, .refused(FakeGiftCardUpstream.unavailableError))
        _ = try await shop.place("settle-1", quantity: 2)
        let wrong = try await shop.upstream.placeOrder(productId: "psn-dz", typeId: "psn-1000", quantity: 1)
        let right = try await shop.upstream.placeOrder(productId: "psn-dz", typeId: "psn-1000", quantity: 2)
        let requester = MerchantOrders.Requester(
            actor: "merchant", requestID: nil, clientRequestID: nil, session: nil, limited: false)
        let contact = OrderRegistrar.Contact(
            userId: UserID("user-1")!, email: "buyer@example.dz", phone: "0551234567", locale: .fr,
            channels: [.email, .sms])
        await #expect(throws: PublicError.self) {
            try await shop.placement.register(orderId: wrong, ref: "settle-1", contact: contact, by: requester)
        }
        await #expect(throws: PublicError.self) {
            try await shop.placement.register(orderId: "no-such", ref: "settle-1", contact: contact, by: requester)
        }
        let settled = try await shop.placement.register(
            orderId: right, ref: "settle-1", contact: contact, by: requester)
        #expect(settled.order.status == .handling && settled.order.details.orderId == right)
    }
}

@Suite("Gift-card orders: stuck")
struct GiftCardStuckTests {
    @Test("a gift-card order HANDLING past ten minutes is order.stuck named by its ref and orderId")
    func stuck() async throws {
        let shop = try GiftCardOrderTests.Shop()
        let placed = try await shop.place("stuck-1")
        let watcher = StuckOrderWatcher(
            context: shop.world.context, outbox: shop.world.outbox, interval: .seconds(60),
            handlingAfter: .seconds(600), queuedAfter: .seconds(3_600), logger: shop.world.log.logger())
        shop.world.clock.advance(by: .seconds(601))
        #expect(try await watcher.scan() == 1)
        let message = try #require(
            try await shop.world.context.repositories.webhooks.messages(state: nil, limit: 10, after: nil).first {
                $0.type == "order.stuck"
            })
        let data = try #require(
            (try JSONSerialization.jsonObject(with: Data(message.body.utf8)) as? [String: Any])?["data"]
                as? [String: Any])
        #expect(data["ref"] as? String == "stuck-1" && data["orderId"] as? String == placed.order.details.orderId)
        #expect(data["product"] as? String == "gift-card" && data["topupId"] == nil)
    }
}
