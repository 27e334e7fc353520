import Audit
import BitaqaCore
import Messaging
import Orders
import OrdersDoubles
import Testing

/// A channel so slow that the deliverer's claim runs out during the send and another worker takes the
/// delivery over.
struct OvertakenChannel: MessageChannel {
    let world: World

    func send(_ message: OutgoingMessage) async throws(DeliveryFailure) -> String? {
        world.clock.advance(by: .seconds(121))
        do {
            for delivery in try await world.deliveries(message.topupId.rawValue) {
                _ = try await world.repositories.leases.claim(
                    .deliveries, key: delivery.id, owner: "other", now: world.now, leaseMillis: 60_000)
            }
        } catch {
            throw .temporary("the test could not take the claim over")
        }
        return "provider-slow"
    }
}

@Suite("Deliverer passes")
struct DelivererTests {
    @Test("each channel gets the card once; delivered, CARD_DELIVERED and delivery.delivered commit together")
    func delivered() async throws {
        let w = try World()
        try await w.fulfilled("dlv-1", code: "246813579135")
        #expect(try await w.deliverer.pass() == 2)

        let email = try #require(w.email.sent.first)
        #expect(w.email.sent.count == 1 && email.recipient == "buyer@shop.dz")
        #expect(email.text.contains("246813579135"), "the card, opened from the vault")
        #expect(email.messageID == "dlv-1.email.card@bitaqa")
        let sms = try #require(w.sms.sent.first)
        #expect(w.sms.sent.count == 1 && sms.recipient == "+213551234567" && sms.text.contains("246813579135"))

        let deliveries = try await w.deliveries("dlv-1")
        #expect(deliveries.allSatisfy { $0.state == .delivered && $0.attempts == 1 && $0.deliveredAt == w.now })
        #expect(deliveries.allSatisfy { $0.nextAttemptAt == nil && $0.providerMessageId == "provider-1" })
        let delivered = try await w.events("dlv-1").filter { $0.event.kind == .cardDelivered }
        // Both channels are attempted at once, so their events come in either order.
        let byChannel = Dictionary(
            uniqueKeysWithValues: delivered.map { ($0.event.details["channel"] ?? "", $0.event) })
        #expect(Set(byChannel.keys) == ["email", "sms"])
        #expect(delivered.allSatisfy { $0.event.actor == "deliverer" && $0.event.details["attempts"] == "1" })
        #expect(byChannel["email"]?.details["recipient"] == ContactRules.masked("buyer@shop.dz", channel: .email))
        #expect(byChannel["sms"]?.details["recipient"] == ContactRules.masked("+213551234567", channel: .sms))
        #expect(try await w.webhooks().map(\.type) == ["order.fulfilled", "delivery.delivered", "delivery.delivered"])
        #expect(try await w.deliverer.pass() == 0, "nothing sent twice")
        #expect(!w.log.text.contains("246813579135"), "the code is never logged")
    }

    @Test("a temporary failure is retried after a backoff and then delivered; the channel is not asked meanwhile")
    func retried() async throws {
        let w = try World()
        try await w.fulfilled("dlv-2", phone: nil)
        w.email.fail(next: .temporary("451 try later"))
        try await w.deliverer.pass()
        var delivery = try #require(try await w.deliveries("dlv-2").first)
        #expect(delivery.state == .pending && delivery.attempts == 1 && delivery.lastError == "451 try later")
        let next = try #require(delivery.nextAttemptAt)
        #expect(next >= w.now + 1_000 && next <= w.now + 2_000, "half to all of the base delay")
        #expect(try await w.deliverer.pass() == 0)
        #expect(w.email.attempts == 1)
        w.clock.set(next)
        #expect(try await w.deliverer.pass() == 1)
        delivery = try #require(try await w.deliveries("dlv-2").first)
        #expect(delivery.state == .delivered && delivery.attempts == 2 && delivery.lastError == nil)
        #expect(w.email.sent.count == 1)
    }

    @Test("a permanent failure ends failed at once, with DELIVERY_FAILED and delivery.failed; resend then delivers")
    func permanent() async throws {
        let w = try World()
        try await w.fulfilled("dlv-3", email: nil)
        w.sms.fail(next: .permanent("unknown subscriber"))
        try await w.deliverer.pass()
        let failed = try #require(try await w.deliveries("dlv-3").first)
        #expect(failed.state == .failed && failed.lastError == "unknown subscriber" && failed.nextAttemptAt == nil)
        let event = try #require(try await w.events("dlv-3").last)
        #expect(event.event.kind == .deliveryFailed && event.event.details["reason"] == "permanent")
        let message = try #require(try await w.webhooks().last)
        #expect(message.type == "delivery.failed")
        #expect(try World.data(message)["error"] as? String == "permanent")
        #expect(try await w.repositories.alerts.unresolvedFailedDeliveries() == 1)

        _ = try await Resender(context: w.context).resend(
            TopupID("dlv-3")!, channel: .sms, actor: "merchant", requestID: nil)
        try await w.deliverer.pass()
        #expect(w.sms.sent.count == 1)
        #expect(try await w.repositories.alerts.unresolvedFailedDeliveries() == 0, "delivered since on that channel")
    }

    @Test("attempts run out: a temporary failure on the last attempt ends failed")
    func exhausted() async throws {
        let w = try World()
        try await w.fulfilled("dlv-4", phone: nil)
        w.email.failAlways(.temporary("connection refused"))
        for _ in 0..<3 {
            try await w.deliverer.pass()
            w.clock.advance(by: .seconds(120))
        }
        let delivery = try #require(try await w.deliveries("dlv-4").first)
        #expect(delivery.state == .failed && delivery.attempts == 3)
        #expect(delivery.lastError == "gave up after 3 attempts: connection refused")
        #expect(try await w.events("dlv-4").last?.event.details["reason"] == "attempts_exhausted")
    }

    @Test("a delivery written in the database alone, with no authenticated event naming it, sends nothing")
    func unauthenticated() async throws {
        let w = try World()
        try await w.fulfilled("dlv-5", phone: nil)
        try await w.deliverer.pass()
        let pipeline = w.repositories.pipeline
        let now = w.now
        let forged = try await w.database.transaction { transaction in
            try await pipeline.insertDeliveries(
                TopupID("dlv-5")!, channels: [.email], purpose: .card, now: now, in: transaction)
        }
        try await w.deliverer.pass()
        #expect(w.email.sent.count == 1, "only the delivery Bitaqa queued")
        let forgedID = try #require(forged.first)
        let delivery = try #require(try await w.repositories.pipeline.delivery(forgedID))
        #expect(delivery.state == .failed)
        #expect(try await w.events("dlv-5").last?.event.details["reason"] == "unauthenticated")
    }

    @Test("contacts changed without the key: the card is not sent to them")
    func rebound() async throws {
        let w = try World()
        try await w.fulfilled("dlv-6", phone: nil)
        let orders = w.repositories.orders
        let now = w.now
        let forged = ContactBinding(mac: String(repeating: "ab", count: 32), keyID: w.binder.activeKeyID)
        _ = try await w.database.transaction { transaction in
            try await orders.updateContacts(
                TopupID("dlv-6")!, email: "thief@evil.dz", phone: nil, binding: forged, now: now, in: transaction)
        }
        try await w.deliverer.pass()
        #expect(w.email.sent.isEmpty)
        #expect(try await w.deliveries("dlv-6").first?.state == .failed)
        #expect(try await w.events("dlv-6").last?.event.details["reason"] == "recipient_not_bound")
    }

    @Test("a send during which the claim passed to another worker is not recorded as this worker's")
    func overtaken() async throws {
        let w = try World()
        try await w.fulfilled("dlv-8", phone: nil)
        let slow = w.deliverer(channels: [.email: OvertakenChannel(world: w)], owner: "slow-deliverer")
        #expect(try await slow.pass() == 1)
        let delivery = try #require(try await w.deliveries("dlv-8").first)
        #expect(delivery.state == .sending && delivery.attempts == 0 && delivery.providerMessageId == nil)
        #expect(try await w.repositories.workers.holds(.deliveries, key: delivery.id, owner: "other"))
        #expect(try await !w.kinds("dlv-8").contains(.cardDelivered))
        #expect(w.log.text.contains("delivery sent after its claim passed to another worker"))
    }

    @Test("a delivery another worker claimed is not sent by this one")
    func fenced() async throws {
        let w = try World()
        try await w.fulfilled("dlv-7", phone: nil)
        let id = try #require(try await w.deliveries("dlv-7").first?.id)
        #expect(
            try await w.repositories.leases.claim(.deliveries, key: id, owner: "other", now: w.now, leaseMillis: 60_000)
        )
        #expect(try await w.deliverer.pass() == 0)
        #expect(w.email.attempts == 0)
        #expect(try await w.repositories.workers.holds(.deliveries, key: id, owner: "other"))
    }
}
