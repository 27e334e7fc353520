import Audit
import BitaqaCore
import Orders
import OrdersDoubles
import Testing

@Suite("Retrying a webhook message")
struct WebhookRetryTests {
    /// The outbox's `order.fulfilled` message for a new fulfilled order, attempted once and given up.
    static func failedMessage(_ w: World) async throws -> WebhookMessageRecord {
        try await w.fulfilled("wh-1")
        let message = try #require(try await w.webhooks().first)
        let claimed = try await w.repositories.leases.claim(
            .webhooks, owner: "sender-1", now: w.now, leaseMillis: 30_000, limit: 10)
        #expect(claimed == [message.id])
        #expect(
            try await w.repositories.webhooks.recordAttempt(
                message.id, owner: "sender-1", state: .failed, status: 410, error: "gone", nextAttemptAt: nil,
                now: w.now))
        let failed = try #require(try await w.repositories.webhooks.message(message.id))
        #expect(failed.state == .failed && failed.attempts == 1 && failed.nextAttemptAt == nil)
        return failed
    }

    @Test("a failed message becomes due now, and the request is audited as WEBHOOK_RETRY_REQUESTED")
    func retry() async throws {
        let w = try World()
        let failed = try await Self.failedMessage(w)
        w.clock.advance(by: .seconds(10))
        try await WebhookRetry(context: w.context).retry(failed.id, actor: "console", requestID: "r-9", session: "s-1")
        let due = try #require(try await w.repositories.webhooks.message(failed.id))
        #expect(due.state == .pending && due.nextAttemptAt == w.now)
        #expect(
            try await w.repositories.leases.claim(.webhooks, owner: "sender-1", now: w.now, leaseMillis: 1, limit: 5)
                == [failed.id])
        let event = try #require(try await w.allEvents().last)
        #expect(event.event.kind == .webhookRetryRequested && event.event.actor == "console")
        #expect(event.event.requestID == "r-9")
        #expect(event.event.details == ["message": failed.id, "session": "s-1"])
    }

    @Test("an unknown id, an id too long, and a delivered message are NOT_FOUND, and nothing is audited")
    func refused() async throws {
        let w = try World()
        let failed = try await Self.failedMessage(w)
        #expect(try await w.repositories.webhooks.retry(failed.id, now: w.now))
        _ = try await w.repositories.leases.claim(.webhooks, owner: "sender-1", now: w.now, leaseMillis: 1, limit: 5)
        try await w.repositories.webhooks.recordAttempt(
            failed.id, owner: "sender-1", state: .delivered, status: 200, error: nil, nextAttemptAt: nil, now: w.now)
        let head = try await w.trail.head()
        let retry = WebhookRetry(context: w.context)
        for id in ["msg_unknown", String(repeating: "m", count: 65), failed.id] {
            let refusal = await publicError {
                try await retry.retry(id, actor: "merchant", requestID: nil, session: nil)
            }
            #expect(refusal?.code == .notFound, "\(id)")
        }
        #expect(try await w.trail.head()?.sequence == head?.sequence)
        #expect(try await w.repositories.webhooks.message(failed.id)?.state == .delivered)
    }
}
