import Audit
import BitaqaCore
import Orders
import OrdersDoubles
import Testing

@Suite("A buyer's orders")
struct CustomerOrdersTests {
    static func customer(_ w: World) -> (CustomerOrders, DenialRecorder) {
        let denials = DenialRecorder(trail: w.trail, time: w.clock.source, logger: w.log.logger("denials"))
        return (CustomerOrders(context: w.context, denials: denials, onDemand: nil), denials)
    }

    @Test("another buyer's order is ORDER_NOT_FOUND like a missing one; only the former is audited, later")
    func owned() async throws {
        let w = try World()
        try await w.register("own-1", user: "alice")
        let (orders, denials) = Self.customer(w)
        let mine = try await orders.owned(
            "own-1", by: UserID("alice")!, requestID: "q1", client: "10.0.0.1", resource: "order")
        #expect(mine.topupId.rawValue == "own-1")

        var codes: [PublicErrorCode?] = []
        for id in ["own-1", "missing-1", "not an id!", "own-1"] {
            codes.append(
                await publicError {
                    _ = try await orders.owned(
                        id, by: UserID("mallory")!, requestID: "q-m", client: "10.0.0.9", resource: "card")
                }?.code)
        }
        #expect(codes == Array(repeating: .orderNotFound, count: 4))
        #expect(try await w.kinds("own-1") == [.orderRegistered], "nothing written while answering")
        await denials.flushAll()
        let denied = try await w.events("own-1").filter { $0.event.kind == .accessDenied }
        #expect(denied.count == 1)
        #expect(denied.first?.event.actor == "mallory")
        #expect(denied.first?.event.details["count"] == "2" && denied.first?.event.details["path"] == "card")
        #expect(try await w.events("missing-1").isEmpty)
        #expect(try await orders.list(ownedBy: UserID("mallory")!).isEmpty)
        #expect(try await orders.list(ownedBy: UserID("alice")!).map(\.topupId.rawValue) == ["own-1"])
    }

    @Test("the reveal writes CARD_VIEWED before it answers, and the window's limit refuses the next view")
    func reveal() async throws {
        let w = try World()
        let order = try await w.fulfilled("rev-1", code: "777788889999")
        let revealer = CardRevealer(
            context: w.context,
            cards: CardReader(
                vault: w.vault, audit: w.trail, views: AuditBatcher(trail: w.trail), time: w.clock.source),
            window: .seconds(60), metrics: World.metrics)
        let viewer = CardRevealer.Viewer(
            userID: order.userId, address: "10.0.0.2", userAgent: "test", requestID: "v1", channel: "in-app")
        let code = try await revealer.reveal(
            order, to: viewer, buckets: [("reveal:buyer-1", 1)], logger: w.log.logger())
        #expect(code == CardCode("777788889999"))
        #expect(try await w.kinds("rev-1").last == .cardViewed)
        let refusal = await publicError {
            _ = try await revealer.reveal(order, to: viewer, buckets: [("reveal:buyer-1", 1)], logger: w.log.logger())
        }
        #expect(refusal?.code == .rateLimited && refusal?.retryAfter == 60)
        #expect(try await w.kinds("rev-1").filter { $0 == .cardViewed }.count == 1)
        w.clock.advance(by: .seconds(60))
        _ = try await revealer.reveal(order, to: viewer, buckets: [("reveal:buyer-1", 1)], logger: w.log.logger())
        #expect(try await w.kinds("rev-1").filter { $0 == .cardViewed }.count == 2, "the window slid")
    }
}
