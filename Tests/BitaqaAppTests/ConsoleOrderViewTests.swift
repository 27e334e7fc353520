import BitaqaCore
import Orders
import Testing

@testable import Audit
@testable import BitaqaHTTP

/// What the order page says of each delivery, from the order and its keyed audit events.
@Suite("Console: the order's deliveries")
struct ConsoleOrderViewTests {
    @Test(
        "a bounce shows the address that bounced, not the one the merchant corrected it to; the resend shows the new one"
    )
    func bouncedAddress() throws {
        var order = OrderRecord(
            topupId: TopupID("view-1")!, userId: UserID("u-1")!, locale: .fr, status: .fulfilled, channels: [.email],
            fingerprint: "f", createdAt: 1_000, updatedAt: 2_000)
        order.email = "fixed@shop.dz"
        var bounced = DeliveryRecord(
            id: "d-1", topupId: order.topupId, channel: .email, purpose: .card, state: .failed, attempts: 1,
            createdAt: 1_100)
        bounced.lastError = "550 5.1.1 No such user"
        let resent = DeliveryRecord(
            id: "d-2", topupId: order.topupId, channel: .email, purpose: .card, state: .delivered, attempts: 1,
            createdAt: 1_900)
        func event(_ kind: AuditKind, _ sequence: Int64, delivery: String, recipient: String) -> AuditRecord {
            AuditRecord(
                sequence: sequence, at: 1_000 + sequence,
                event: AuditEvent(
                    kind, topupId: order.topupId, actor: "deliverer",
                    details: ["channel": "email", "delivery": delivery, "recipient": recipient]),
                previousHash: "", hash: "")
        }
        let view = ConsoleOrderView(
            order, deliveries: [bounced, resent],
            events: [
                event(.deliveryFailed, 1, delivery: "d-1", recipient: "t***o@shop.dz"),
                event(.cardDelivered, 2, delivery: "d-2", recipient: "f***d@shop.dz"),
            ],
            availableChannels: [.email])
        #expect(view.deliveries.map(\.recipient) == ["t***o@shop.dz", "f***d@shop.dz"])
        // A delivery no event names yet (pending) shows the order's contact now.
        let pending = DeliveryRecord(
            id: "d-3", topupId: order.topupId, channel: .email, purpose: .card, state: .pending, attempts: 0,
            createdAt: 1_950)
        let later = ConsoleOrderView(order, deliveries: [pending], events: [], availableChannels: [.email])
        #expect(later.deliveries.first?.recipient == ContactRules.masked("fixed@shop.dz", channel: .email))
    }

    @Test("an order the upstream never knew: the check button says it tracks the order again, and why")
    func unknownUpstream() {
        let order = OrderRecord(
            topupId: TopupID("view-2")!, userId: UserID("u-2")!, locale: .fr, status: .unknownUpstream,
            channels: [.email], fingerprint: "f", createdAt: 1_000, updatedAt: 2_000)
        let view = ConsoleOrderView(order, deliveries: [], events: [], availableChannels: [.email])
        #expect(view.unknownUpstream)
        let html = ConsolePages.render(view, locale: .fr, csrf: "c", role: .support, notice: nil)
        #expect(html.contains("Reprendre le suivi") && html.contains("OneClickDz ne connaît pas cette commande"))
        #expect(!html.contains("Vérifier maintenant"))
        var fulfilled = order
        fulfilled.status = .fulfilled
        let usual = ConsolePages.render(
            ConsoleOrderView(fulfilled, deliveries: [], events: [], availableChannels: [.email]), locale: .fr,
            csrf: "c", role: .support, notice: nil)
        #expect(usual.contains("Vérifier maintenant") && !usual.contains("Reprendre le suivi"))
    }
}
