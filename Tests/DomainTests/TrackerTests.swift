import Audit
import BitaqaCore
import Foundation
import Orders
import OrdersDoubles
import Testing

@Suite("Tracker passes")
struct TrackerTests {
    @Test(
        "FULFILLED: the card sealed by the vault, the order settled, deliveries queued, order.fulfilled in the outbox")
    func fulfilled() async throws {
        let w = try World()
        let registered = try await w.register("trk-1")
        w.upstream.fulfil("trk-1", code: CardCode("123456789012"), transactionNumber: "AT-2026-55555")
        #expect(try await w.tracker.pass() == 1)

        let order = try #require(try await w.order("trk-1"))
        #expect(order.status == .fulfilled)
        #expect(order.nextCheckAt == nil && order.checkCount == 1 && order.lastCheckedAt == w.now)
        #expect(order.transactionNumber == "AT-2026-55555")
        let card = try #require(try await w.repositories.cards.card(of: TopupID("trk-1")!))
        #expect(card.keyID == w.vault.keyRing.activeKeyID.hex)
        #expect(try w.vault.open(card.sealed, topupId: card.topupId, userId: card.userId) == CardCode("123456789012"))
        #expect(!String(decoding: card.sealed, as: UTF8.self).contains("123456789012"), "sealed, not stored plain")
        #expect(try await w.repositories.pipeline.fulfilledAt(TopupID("trk-1")!) == w.now)

        let deliveries = try await w.deliveries("trk-1")
        #expect(deliveries.map(\.channel) == [.email, .sms])
        #expect(deliveries.allSatisfy { $0.state == .pending && $0.purpose == .card && $0.nextAttemptAt == w.now })

        let events = try await w.events("trk-1")
        #expect(events.map(\.event.kind) == [.orderRegistered, .statusChanged, .cardStored])
        #expect(events[1].event.details == ["from": "HANDLING", "to": "FULFILLED"])
        #expect(events[2].event.details[AuditEvent.deliveriesKey] == deliveries.map(\.id).joined(separator: ","))

        let messages = try await w.webhooks()
        #expect(messages.map(\.type) == ["order.fulfilled"])
        let message = try #require(messages.first)
        #expect(message.topupId == "trk-1" && message.state == .pending && message.nextAttemptAt == w.now)
        #expect(w.webhookKeys.isAuthentic(message), "MACed by the outbox in the same transaction")
        let data = try World.data(message)
        #expect(data["topupId"] as? String == "trk-1")
        #expect(data["userId"] as? String == registered.userId.rawValue)
        #expect(data["status"] as? String == "FULFILLED")
        #expect(!message.body.contains("123456789012"), "never the card")
        #expect(!w.log.text.contains("123456789012"))
        #expect(try await w.repositories.workers.holds(.orderChecks, key: "trk-1", owner: "tracker-1") == false)
    }

    @Test("HANDLING: checked again on the schedule, the lease released, nothing audited")
    func handling() async throws {
        let w = try World()
        try await w.register("trk-2")
        #expect(try await w.tracker.pass() == 1)
        let order = try #require(try await w.order("trk-2"))
        #expect(order.status == .handling && order.checkCount == 1)
        #expect(order.nextCheckAt == w.schedule.nextHandlingCheck(createdAt: order.createdAt, now: w.now))
        #expect(try await w.tracker.pass() == 0, "not due again yet")
        #expect(try await w.repositories.leases.nextDue(.orderChecks, now: w.now) == order.nextCheckAt)
        w.clock.set(try #require(order.nextCheckAt))
        #expect(try await w.tracker.pass() == 1)
        #expect(try await w.kinds("trk-2") == [.orderRegistered])
        #expect(try await w.webhooks().isEmpty)
    }

    @Test("QUEUED: STATUS_CHANGED and order.queued once, checked on the QUEUED schedule; then FULFILLED")
    func queued() async throws {
        let w = try World()
        try await w.register("trk-3")
        w.upstream.set("trk-3", to: .queued)
        try await w.tracker.pass()
        var order = try #require(try await w.order("trk-3"))
        #expect(order.status == .queued)
        #expect(order.nextCheckAt == w.schedule.nextQueuedCheck(createdAt: order.createdAt, now: w.now))
        w.clock.set(try #require(order.nextCheckAt))
        try await w.tracker.pass()
        #expect(try await w.kinds("trk-3") == [.orderRegistered, .statusChanged], "QUEUED again changes nothing")
        #expect(try await w.webhooks().map(\.type) == ["order.queued"])
        order = try #require(try await w.order("trk-3"))
        w.clock.set(try #require(order.nextCheckAt))
        w.upstream.fulfil("trk-3", code: CardCode("000011112222"))
        try await w.tracker.pass()
        #expect(try await w.order("trk-3")?.status == .fulfilled)
        let changed = try await w.events("trk-3").filter { $0.event.kind == .statusChanged }.map(\.event.details)
        #expect(changed == [["from": "HANDLING", "to": "QUEUED"], ["from": "QUEUED", "to": "FULFILLED"]])
    }

    @Test("REFUNDED: no card, a refund notice queued on each channel, order.refunded in the outbox")
    func refunded() async throws {
        let w = try World()
        try await w.register("trk-4")
        w.upstream.set("trk-4", to: .refunded)
        try await w.tracker.pass()
        let order = try #require(try await w.order("trk-4"))
        #expect(order.status == .refunded && order.nextCheckAt == nil && order.sealedCard == nil)
        let deliveries = try await w.deliveries("trk-4")
        #expect(deliveries.count == 2 && deliveries.allSatisfy { $0.purpose == .refundNotice })
        let changed = try #require(try await w.events("trk-4").last)
        #expect(changed.event.details[AuditEvent.deliveriesKey] == deliveries.map(\.id).joined(separator: ","))
        #expect(try await w.webhooks().map(\.type) == ["order.refunded"])
        try await w.deliverer.pass()
        #expect(w.email.sent.count == 1 && w.sms.sent.count == 1)
        #expect(w.email.sent.first?.text.contains("rembours") == true, "the notice in the buyer's language")
    }

    @Test("FULFILLED without a card: asked again a poll interval later, nothing stored")
    func fulfilledWithoutCard() async throws {
        let w = try World()
        try await w.register("trk-5")
        w.upstream.set("trk-5", to: .fulfilled)
        try await w.tracker.pass()
        let order = try #require(try await w.order("trk-5"))
        #expect(order.status == .handling && order.nextCheckAt == w.now + 5_000)
        #expect(try await w.repositories.cards.card(of: TopupID("trk-5")!) == nil)
        #expect(w.log.text.contains("FULFILLED without a card code"))
    }

    @Test("a failed call defers the check; NOT_FOUND past the limit ends UNKNOWN_UPSTREAM; an operator restarts it")
    func unknownUpstream() async throws {
        let w = try World(unknownUpstreamAfter: .seconds(3_600))
        _ = try await w.registrar.register(World.newOrder("trk-6"), actor: "merchant", requestID: nil)
        try await w.tracker.pass()
        var order = try #require(try await w.order("trk-6"))
        #expect(order.status == .handling && order.checkCount == 1)
        #expect(try #require(order.nextCheckAt) >= w.now + 5_000, "deferred at least a poll interval")
        w.clock.advance(by: .seconds(2 * 3_600))
        #expect(try await w.tracker.pass() == 1)
        order = try #require(try await w.order("trk-6"))
        #expect(order.status == .unknownUpstream && order.nextCheckAt == nil)
        #expect(try await w.events("trk-6").last?.event.details["to"] == "UNKNOWN_UPSTREAM")
        w.clock.advance(by: .seconds(3 * 3_600))
        #expect(try await w.tracker.pass() == 0, "tracking stopped")

        w.upstream.add("trk-6")
        guard case .checked(let checked) = try await w.tracker.checkNow(TopupID("trk-6")!, restartingUnknown: true)
        else {
            Issue.record("not checked")
            return
        }
        #expect(checked.status == .handling && checked.trackedSince == w.now && checked.checkCount == 1)
        let restarted = try #require(try await w.events("trk-6").last)
        #expect(restarted.event.actor == "operator" && restarted.event.details["to"] == "HANDLING")

        // A status this version does not know, after the restart: the fast schedule of a new order,
        // counted from the restart, not the slow one of an order registered five hours ago.
        w.upstream.set("trk-6", toUnknown: "MYSTERY")
        w.clock.advance(by: .seconds(1))
        guard case .checked(let mystery) = try await w.tracker.checkNow(TopupID("trk-6")!) else {
            Issue.record("not checked")
            return
        }
        let expected = w.schedule.nextHandlingCheck(createdAt: checked.trackedSince ?? 0, now: w.now)
        #expect(mystery.nextCheckAt == expected)
        #expect(expected != w.schedule.nextHandlingCheck(createdAt: mystery.createdAt, now: w.now))
    }

    @Test("an order another worker holds is left alone until its lease runs out; a lost lease stores nothing")
    func leases() async throws {
        let w = try World()
        let order = try await w.register("trk-7")
        w.upstream.fulfil("trk-7", code: CardCode("555566667777"))
        #expect(
            try await w.repositories.leases.claim(
                .orderChecks, key: "trk-7", owner: "other-worker", now: w.now, leaseMillis: 60_000))
        #expect(try await w.tracker.pass() == 0)
        guard case .notChecked = try await w.tracker.checkNow(TopupID("trk-7")!) else {
            Issue.record("checked over another worker's lease")
            return
        }
        #expect(w.upstream.calls(to: .checkID).isEmpty)
        await #expect(throws: CardIntake.NotStored.self) {
            try await CardIntake(context: w.context, vault: w.vault).store(
                FulfilledCard(code: CardCode("555566667777"), transactionNumber: nil, processedDate: nil), of: order,
                owner: "tracker-1", now: w.now)
        }
        #expect(try await w.kinds("trk-7") == [.orderRegistered], "nothing stored, nothing audited")
        w.clock.advance(by: .seconds(61))
        #expect(try await w.tracker.pass() == 1)
        #expect(try await w.order("trk-7")?.status == .fulfilled)
    }

    @Test("recent orders share one list call; only a FULFILLED one is asked with check-id for its card")
    func list() async throws {
        let w = try World()
        for id in ["lst-1", "lst-2", "lst-3"] { try await w.register(id) }
        w.upstream.set("lst-2", to: .queued)
        try await w.tracker.pass()
        #expect(w.upstream.calls(to: .list).count == 1)
        #expect(w.upstream.calls(to: .checkID).isEmpty)
        #expect(try await w.order("lst-2")?.status == .queued)
        #expect(try await w.order("lst-1")?.checkCount == 1)
        #expect(try await w.order("lst-3")?.checkCount == 1)

        w.upstream.fulfil("lst-1", code: CardCode("121212121212"))
        w.clock.advance(by: .seconds(1_800))
        try await w.tracker.pass()
        #expect(w.upstream.calls(to: .list).count == 2)
        #expect(w.upstream.calls(to: .checkID).map(\.argument) == ["lst-1"])
        #expect(try await w.order("lst-1")?.status == .fulfilled)
    }
}
