import Audit
import BitaqaCore
import CardVault
import Orders
import OrdersDoubles
import Testing

@Suite("Operations: key rotation, stuck orders, the order list")
struct OperationsTests {
    @Test("a rotation moves every card under the new key and binds the contacts under it; cards still open and send")
    func rotation() async throws {
        let w = try World()
        try await w.fulfilled("rot-1", code: "111122223333")
        try await w.fulfilled("rot-2", code: "444455556666", phone: nil)
        let ring = try KeyRing(keys: [SecretBytes(hex: String(repeating: "7a", count: 32), byteCount: 32)!, World.key])
        let vault = CardVault(keyRing: ring)
        let trail = w.database.trail(keys: AuditKeys(ring: ring))
        let context = DomainContext(repositories: w.repositories, trail: trail, time: w.clock.source)
        let rotator = KeyRotator(context: context, vault: vault)
        #expect(try await rotator.pending() == 2)

        let report = try await rotator.rotate(batchSize: 1, maxBatches: nil, logger: w.log.logger(), progress: { _ in })
        #expect(report.moved == 2 && report.rebound == 2 && !report.interrupted)
        #expect(report.unreadable.isEmpty && report.contactMismatches.isEmpty && report.remaining.isEmpty)
        #expect(try await rotator.pending() == 0)
        #expect(try await w.repositories.cards.countByKey() == [ring.activeKeyID.hex: 2])
        let binder = ContactBinder(ring: ring)
        for (id, code) in [("rot-1", "111122223333"), ("rot-2", "444455556666")] {
            let order = try #require(try await w.order(id))
            let card = try #require(order.storedCard)
            #expect(try vault.open(card.sealed, topupId: card.topupId, userId: card.userId) == CardCode(code))
            #expect(order.contactBinding?.keyID == binder.activeKeyID && binder.problem(with: order) == nil)
        }
        #expect(try await trail.events(after: 0, limit: 100).last?.event.kind == .keyRotated)
        let head = try #require(try await trail.head())
        #expect(try await AuditVerifier(trail: trail).verify() == .intact(events: head.sequence, lastHash: head.hash))

        let deliverer = World.deliverer(
            context: context, vault: vault, binder: binder, channels: [.email: w.email, .sms: w.sms], log: w.log,
            owner: "after-rotation")
        #expect(try await deliverer.pass() == 3, "bound, authenticated and readable under the new ring")
        #expect(w.email.sent.count == 2 && w.sms.sent.count == 1)
        #expect(w.sms.sent.first?.text.contains("111122223333") == true)
    }

    @Test("an order HANDLING past the limit is reported once: order.stuck in the outbox, counted for the alerts")
    func stuck() async throws {
        let w = try World()
        try await w.register("stk-1")
        try await w.register("stk-2")
        w.upstream.set("stk-2", to: .queued)
        try await w.tracker.pass()
        let watcher = StuckOrderWatcher(
            context: w.context, outbox: w.outbox, interval: .seconds(60), handlingAfter: .seconds(600),
            queuedAfter: .seconds(3_600), logger: w.log.logger())
        w.clock.advance(by: .seconds(599))
        #expect(try await watcher.scan() == 0)
        w.clock.advance(by: .seconds(2))
        #expect(try await watcher.scan() == 1, "HANDLING past ten minutes; QUEUED has an hour")
        #expect(try await watcher.scan() == 0, "reported once")
        let message = try #require(try await w.webhooks().last)
        #expect(message.type == "order.stuck" && message.topupId == "stk-1" && w.webhookKeys.isAuthentic(message))
        #expect(try World.data(message)["status"] as? String == "HANDLING")
        #expect(
            try await w.repositories.alerts.stuckOrders(handlingBefore: w.now - 600_000, queuedBefore: w.now) == 2)
        w.clock.advance(by: .seconds(3_600))
        #expect(try await watcher.scan() == 1)
        #expect(try await w.webhooks().last?.topupId == "stk-2")
    }

    @Test("the order list: newest first, filters, a cursor to the next page, a search by phone in either spelling")
    func listing() async throws {
        let w = try World()
        for index in 1...5 {
            try await w.register("lst-\(index)", user: index.isMultiple(of: 2) ? "even" : "odd")
            w.clock.advance(by: .seconds(1))
        }
        try await w.fulfilled("lst-6", phone: "+213661112233")
        let listing = OrderListing(context: w.context)
        var search = OrderSearch(limit: 2)
        let first = try await listing.page(search)
        #expect(first.orders.map(\.topupId.rawValue) == ["lst-6", "lst-5"])
        #expect(first.deliveries[TopupID("lst-6")!]?.map(\.channel) == [.email, .sms])
        let cursor = try #require(first.nextCursor)
        let position = try #require(OrderListing.position(cursor))
        search.after = position
        #expect(try await listing.page(search).orders.map(\.topupId.rawValue) == ["lst-4", "lst-3"])

        var evens = OrderSearch(limit: 10)
        evens.userId = UserID("even")
        #expect(try await listing.page(evens).orders.map(\.topupId.rawValue) == ["lst-4", "lst-2"])
        var byPhone = OrderSearch(limit: 10)
        byPhone.query = "0661 11 22 33"
        #expect(try await listing.page(byPhone).orders.map(\.topupId.rawValue) == ["lst-6"])
        var pending = OrderSearch(limit: 10)
        pending.delivery = .pending
        #expect(try await listing.page(pending).orders.map(\.topupId.rawValue) == ["lst-6"])
        var fulfilled = OrderSearch(limit: 10)
        fulfilled.status = .fulfilled
        fulfilled.from = World.start + 5_000
        let settled = try await listing.page(fulfilled)
        #expect(settled.orders.map(\.topupId.rawValue) == ["lst-6"] && settled.nextCursor == nil)
        #expect(try await w.repositories.orders.countsByStatus(since: 0) == [.handling: 5, .fulfilled: 1])
    }
}
