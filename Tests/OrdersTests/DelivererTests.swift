import Audit
import BitaqaCore
import BitaqaTestSupport
import Foundation
import Messaging
import NIOConcurrencyHelpers
import OneClickDZ
import OneClickDZSandbox
import Orders
import Storage
import Testing

/// A channel whose answers a test scripts: a unit double above the real pipeline, next to the outbox.
final class ScriptedChannel: MessageChannel {
    let failures: NIOLockedValueBox<[DeliveryFailure]>
    let sent = NIOLockedValueBox<[String]>([])
    let messages = NIOLockedValueBox<[OutgoingMessage]>([])

    init(failFirst failures: [DeliveryFailure]) {
        self.failures = NIOLockedValueBox(failures)
    }

    func send(_ message: OutgoingMessage) async throws(DeliveryFailure) -> String? {
        if let failure = failures.withLockedValue({ $0.isEmpty ? nil : $0.removeFirst() }) { throw failure }
        sent.withLockedValue { $0.append(message.messageID) }
        messages.withLockedValue { $0.append(message) }
        return "provider-\(sent.withLockedValue { $0.count })"
    }
}

@Suite("Deliverer outcomes")
struct DelivererTests {
    /// The harness's channels with the email channel swapped for `email`.
    static func replacingEmail(
        with email: ScriptedChannel
    ) -> @Sendable ([DeliveryChannel: any MessageChannel]) -> [DeliveryChannel: any MessageChannel] {
        { channels in channels.merging([.email: email]) { $1 } }
    }

    @Test("temporary failures are retried with backoff, then delivered", arguments: TestDatabase.available)
    func retried(database: TestDatabase) async throws {
        let email = ScriptedChannel(failFirst: [.temporary("451 try later"), .temporary("connection lost")])
        try await PipelineHarness.run(on: database, channels: Self.replacingEmail(with: email)) { h in
            let id = try await h.place(channels: [.email])
            #expect(try await h.runUntil { try await h.allDelivered([id]) })
            let delivery = try #require(try await h.deliveries(id).first)
            #expect(delivery.attempts == 3)
            #expect(delivery.providerMessageId == "provider-1")
            #expect(email.sent.withLockedValue { $0 } == ["\(id.rawValue).email.card@bitaqa"])
        }
    }

    @Test(
        "a permanent failure ends failed with a reason and DELIVERY_FAILED; resend then delivers",
        arguments: TestDatabase.available)
    func permanentThenResend(database: TestDatabase) async throws {
        let email = ScriptedChannel(failFirst: [.permanent("550 no such mailbox")])
        try await PipelineHarness.run(on: database, channels: Self.replacingEmail(with: email)) { h in
            let id = try await h.place(channels: [.email])
            #expect(try await h.runUntil { try await h.deliveries(id).first?.state == .failed })
            let failed = try #require(try await h.deliveries(id).first)
            #expect(failed.lastError == "550 no such mailbox")
            let codes = await h.sandbox.issuedCardCodes()
            #expect(!codes.contains { failed.lastError?.contains($0) == true })
            #expect(try await h.auditKinds(id).contains(.deliveryFailed))

            let queued = try await Resender(context: DomainContext(store: h.store)).resend(
                id, channel: .email, actor: "test", requestID: "r-1")
            #expect(queued == [.email])
            #expect(try await h.runUntil { try await h.deliveries(id).contains { $0.state == .delivered } })
            #expect(try await h.auditKinds(id).contains(.resendRequested))
            #expect(try await h.deliveries(id).count == 2)
        }
    }

    @Test("too many temporary failures end failed", arguments: [TestDatabase.sqlite])
    func exhausted(database: TestDatabase) async throws {
        let email = ScriptedChannel(failFirst: Array(repeating: .temporary("451"), count: 10))
        try await PipelineHarness.run(
            on: database, channels: Self.replacingEmail(with: email),
            backoff: DeliveryBackoff(maxAttempts: 3, base: .milliseconds(10), cap: .milliseconds(20))
        ) { h in
            let id = try await h.place(channels: [.email])
            #expect(try await h.runUntil { try await h.deliveries(id).first?.state == .failed })
            let delivery = try #require(try await h.deliveries(id).first)
            #expect(delivery.attempts == 3)
            #expect(delivery.lastError?.contains("gave up after 3 attempts") == true)
        }
    }

    @Test("resend refuses orders without a card, unknown orders and missing contacts", arguments: [TestDatabase.sqlite])
    func resendRefusals(database: TestDatabase) async throws {
        try await PipelineHarness.run(on: database) { h in
            let stuck = try await h.place(number: SandboxNumbers.stuck.adsl, channels: [.email])
            let resender = Resender(context: DomainContext(store: h.store))
            await #expect(throws: Resender.Refusal.notReady(.handling)) {
                _ = try await resender.resend(stuck, channel: .email, actor: "t", requestID: nil)
            }
            await #expect(throws: Resender.Refusal.orderNotFound) {
                _ = try await resender.resend(TopupID("nope")!, channel: nil, actor: "t", requestID: nil)
            }
            let done = try await h.place(channels: [.email])
            #expect(try await h.runUntil { try await h.allDelivered([done]) })
            await #expect(throws: Resender.Refusal.noContact(.sms)) {
                _ = try await resender.resend(done, channel: .sms, actor: "t", requestID: nil)
            }
        }
    }

    @Test("a lease left by a dead worker expires and another finishes the delivery", arguments: TestDatabase.available)
    func leaseExpiry(database: TestDatabase) async throws {
        try await PipelineHarness.run(on: database) { h in
            let id = try await h.place(channels: [.email])
            // Only the tracker runs until the card is stored, so the delivery is still pending.
            #expect(try await h.trackUntilFulfilled(id))
            // A worker claims the delivery and dies before sending.
            _ = try await SQLLeases(store: h.store).claim(
                .deliveries, owner: "dead-worker", now: TimeSource.system.now() + 1_000, leaseMillis: 1_000, limit: 10)
            try await h.deliverer.pass()
            #expect(try await h.deliveries(id).first?.state != .delivered, "the dead worker's lease holds")
            try await Task.sleep(for: .milliseconds(2_100))
            #expect(try await h.runUntil { try await h.allDelivered([id]) })
            #expect(h.outboxFiles(id).count == 1)
        }
    }

    @Test(
        "an attempt that fails on the database before sending gives its claim back at the next pass, not after the lease",
        arguments: TestDatabase.available)
    func orphanedClaim(database: TestDatabase) async throws {
        try await PipelineHarness.run(on: database) { h in
            let id = try await h.place(channels: [.email])
            // Only the tracker runs until the card is stored, so the delivery is still pending.
            #expect(try await h.trackUntilFulfilled(id))
            // The claim and the attempt's first write succeed; reading the order then fails (the table is
            // briefly not there), before anything is sent.
            try await h.store.sql.raw("ALTER TABLE orders RENAME TO orders_away").run()
            let claimedWhileBroken = try await h.deliverer.pass()
            try await h.store.sql.raw("ALTER TABLE orders_away RENAME TO orders").run()
            #expect(claimedWhileBroken == 1)
            #expect(h.logs.text.contains("delivery attempt failed"))
            #expect(try await h.deliveries(id).first?.state != .delivered)
            // The harness's lease is 5 s; the next pass must not wait for it.
            try await h.deliverer.pass()
            #expect(try await h.deliveries(id).first?.state == .delivered)
            #expect(h.outboxFiles(id).count == 1)
        }
    }
}
