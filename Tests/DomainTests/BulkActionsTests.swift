import Audit
import BitaqaCore
import Messaging
import Orders
import OrdersDoubles
import Testing

@Suite("Bulk actions")
struct BulkActionsTests {
    static func bulk(_ w: World) -> BulkActions {
        BulkActions(
            context: w.context, resender: Resender(context: w.context), webhooks: WebhookRetry(context: w.context))
    }

    @Test("every failed webhook message due again, each audited; a second run finds none")
    func webhooks() async throws {
        let w = try World()
        let failed = try await WebhookRetryTests.failedMessage(w)
        let retried = try await Self.bulk(w).retryFailedWebhooks(actor: "merchant", requestID: "r-1", session: nil)
        #expect(retried == [failed.id])
        #expect(try await w.repositories.webhooks.message(failed.id)?.state == .pending)
        #expect(try await w.allEvents().filter { $0.event.kind == .webhookRetryRequested }.count == 1)
        #expect(try await Self.bulk(w).retryFailedWebhooks(actor: "merchant", requestID: "r-2", session: nil).isEmpty)
    }

    @Test("a card whose SMS failed is sent again on SMS only, audited; delivered cards and a second run queue nothing")
    func deliveries() async throws {
        let w = try World()
        try await w.fulfilled("bulk-1", email: nil)
        try await w.fulfilled("bulk-2", phone: nil)
        w.sms.fail(next: .permanent("unknown subscriber"))
        try await w.deliverer.pass()
        let failedBefore = try await w.deliveries("bulk-1").filter { $0.state == .failed }
        #expect(failedBefore.map(\.channel) == [.sms])
        #expect(try await w.deliveries("bulk-2").allSatisfy { $0.state == .delivered })

        let queued = try await Self.bulk(w).resendFailedDeliveries(actor: "staff:amina", requestID: "r-3")
        #expect(queued.map(\.0.rawValue) == ["bulk-1"] && queued.first?.1 == [.sms])
        let resend = try #require(try await w.events("bulk-1").last)
        #expect(resend.event.kind == .resendRequested && resend.event.actor == "staff:amina")
        #expect(try await w.kinds("bulk-2").contains(.resendRequested) == false)
        #expect(
            try await Self.bulk(w).resendFailedDeliveries(actor: "staff:amina", requestID: "r-4").isEmpty,
            "the failed delivery has a newer one pending: nothing to send again")
        try await w.deliverer.pass()
        #expect(try await w.deliveries("bulk-1").contains { $0.state == .delivered && $0.channel == .sms })
    }
}
