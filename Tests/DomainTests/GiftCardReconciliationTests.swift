import BitaqaCore
import Logging
import Orders
import OrdersDoubles
import Testing

/// The reconciliation of gift-card orders over the in-memory doubles: the upstream's gift-card list
/// against Bitaqa's gift-card orders, each difference marked `gift-card` with its `orderId`, and gift-card
/// orders kept out of the top-ups' comparison and out of `--adopt`.
@Suite("Gift-card reconciliation")
struct GiftCardReconciliationTests {
    struct Shop {
        let world: World
        let upstream: FakeGiftCardUpstream
        let placement: GiftCardPlacement
        let tracker: GiftCardTracker
        let reconciler: Reconciler
        var repository: any GiftCardRepository { world.context.repositories.giftCards }

        init() throws {
            world = try World()
            upstream = FakeGiftCardUpstream(time: world.clock.source)
            let schedule = GiftCardSchedule()
            placement = GiftCardPlacement(
                context: world.context, upstream: upstream, catalogue: GiftCardCatalogue(upstream: upstream),
                account: nil, binder: world.binder, maxQuantity: 10, schedule: schedule)
            tracker = GiftCardTracker(
                context: world.context, upstream: upstream, vault: world.vault, schedule: schedule,
                logger: world.log.logger("gift-cards"))
            reconciler = Reconciler(
                context: world.context, client: world.upstream, registrar: world.registrar, giftCards: upstream)
        }

        /// Places an order through Bitaqa; its upstream orderId.
        func place(_ ref: String, quantity: Int = 2) async throws -> String {
            let placed = try await placement.place(
                GiftCardPlacement.Request(
                    ref: ref, productId: "psn-dz", typeId: "psn-1000", quantity: quantity,
                    contact: OrderRegistrar.Contact(
                        userId: UserID("user-1")!, email: "buyer@example.dz", phone: nil, locale: .fr,
                        channels: [.email])),
                by: MerchantOrders.Requester(
                    actor: "merchant", requestID: nil, clientRequestID: nil, session: nil, limited: false),
                logger: Logger(label: "test"))
            return try #require(placed.order.details.orderId)
        }

        func track() async throws {
            world.clock.advance(by: .seconds(5))
            try await tracker.pass()
        }

        func run() async throws -> Reconciler.Report {
            try await reconciler.run(from: World.start - 60_000, to: world.now + 60_000)
        }
    }

    static let canary: [(code: String, serial: String?)] = [
        ("GC-CANARY-CODE-1", "GC-CANARY-SERIAL-1"), ("GC-CANARY-CODE-2", "GC-CANARY-SERIAL-2"),
    ]

    /// Everything a report says, as the API writes it, must hold no code or serial.
    static func expectNoSecret(_ report: Reconciler.Report) {
        let said = "\(report.differences)"
        for secret in canary.flatMap({ [$0.code, $0.serial ?? ""] }) {
            #expect(!said.contains(secret))
        }
        #expect(!said.contains("CANARY"))
    }

    @Test("an order placed around Bitaqa is untracked, marked gift-card with its orderId; --adopt leaves it alone")
    func untracked() async throws {
        let shop = try Shop()
        let around = try await shop.upstream.placeOrder(productId: "psn-dz", typeId: "psn-1000", quantity: 2)
        shop.upstream.settle(around, codes: Self.canary)

        let report = try await shop.run()
        #expect(report.differences.count == 1)
        let difference = try #require(report.differences.first)
        #expect(difference.kind == .untracked && difference.product == "gift-card")
        #expect(difference.orderId == around && difference.topupId == around)
        #expect(difference.status == "FULFILLED" && difference.localStatus == nil)
        #expect(difference.ref == nil && difference.userId == nil)
        #expect(difference.value == 2_100, "1050 DZD a card, two cards")
        #expect(report.giftCardUpstreamCount == 1 && report.giftCardLocalCount == 0)
        #expect(report.totals["untracked"]?.count == 1 && report.totals["untracked"]?.amount == 2_100)
        Self.expectNoSecret(report)

        #expect(try await shop.reconciler.adopt(report, actor: "reconcile", requestID: nil).isEmpty)
        #expect(try await shop.world.order(around) == nil, "not registered as a top-up")
        #expect(try await shop.repository.find(orderId: around) == nil)
    }

    @Test("a tracked order that matches the upstream, open or final, makes no difference")
    func matching() async throws {
        let shop = try Shop()
        _ = try await shop.place("shop-open")
        let refunded = try await shop.place("shop-refunded", quantity: 1)
        let fulfilled = try await shop.place("shop-fulfilled")
        shop.upstream.settle(refunded, codes: [])
        shop.upstream.settle(fulfilled, codes: Self.canary)
        try await shop.track()
        #expect(try await shop.repository.find(ref: "shop-fulfilled")?.status == .fulfilled)
        try await shop.world.deliverer.pass()
        #expect(
            try await shop.world.context.repositories.orders.deliveries(of: GiftCardKey.key(for: "shop-fulfilled")!)
                .allSatisfy { $0.state == .delivered })

        let report = try await shop.run()
        #expect(report.differences.isEmpty, "\(report.differences)")
        #expect(report.giftCardUpstreamCount == 3 && report.giftCardLocalCount == 3)
        #expect(report.localCount == 0, "gift-card orders are not counted among the top-ups")
    }

    @Test("the upstream PARTIALLY_FILLED while Bitaqa still says HANDLING is a status mismatch")
    func statusMismatch() async throws {
        let shop = try Shop()
        let orderId = try await shop.place("shop-partial", quantity: 4)
        shop.upstream.settle(orderId, codes: Self.canary)

        let report = try await shop.run()
        let difference = try #require(report.differences.first)
        #expect(report.differences.count == 1)
        #expect(difference.kind == .statusMismatch && difference.product == "gift-card")
        #expect(difference.status == "PARTIALLY_FILLED" && difference.localStatus == "HANDLING")
        #expect(difference.orderId == orderId && difference.ref == "shop-partial")
        #expect(difference.topupRef == "shop-partial" && difference.userId == "user-1")
        #expect(difference.value == 2_100, "the two cards that came")
        Self.expectNoSecret(report)

        try await shop.track()
        try await shop.world.deliverer.pass()
        let after = try await shop.run()
        #expect(after.differences.isEmpty, "\(after.differences)")
    }

    @Test("a fulfilled order whose card delivery waits is undelivered, marked gift-card")
    func undelivered() async throws {
        let shop = try Shop()
        let orderId = try await shop.place("shop-waiting")
        shop.upstream.settle(orderId, codes: Self.canary)
        try await shop.track()

        let report = try await shop.run()
        #expect(report.differences.map(\.kind) == [.undelivered])
        #expect(report.differences.first?.channels == ["email"] && report.differences.first?.orderId == orderId)
        #expect(report.differences.first?.product == "gift-card")
    }

    @Test("gift-card orders never appear missing from the internet list, nor checked against it")
    func notMissingFromInternetList() async throws {
        let shop = try Shop()
        _ = try await shop.place("shop-a")
        _ = try await shop.place("shop-b")
        try await shop.world.register("topup-1")

        // Without the gift-card upstream, as before: gift-card orders are simply not compared.
        let topUpsOnly = Reconciler(
            context: shop.world.context, client: shop.world.upstream, registrar: shop.world.registrar)
        let report = try await topUpsOnly.run(from: World.start - 60_000, to: shop.world.now + 60_000)
        #expect(report.differences.isEmpty, "\(report.differences)")
        #expect(report.localCount == 1 && report.giftCardUpstreamCount == nil)

        let both = try await shop.run()
        #expect(both.differences.isEmpty, "\(both.differences)")
        let asked = shop.world.upstream.calls(to: .checkID).compactMap(\.argument)
        #expect(asked.allSatisfy { !$0.hasPrefix(GiftCardKey.prefix) }, "\(asked)")
    }

    @Test(
        "an order listed outside the window is asked for with checkOrder: found, it is compared; unknown, missing upstream"
    )
    func missingUpstream() async throws {
        let shop = try Shop()
        // Placed by the shop itself, registered a minute later: the upstream lists it before the window.
        let orderId = try await shop.upstream.placeOrder(productId: "psn-dz", typeId: "psn-1000", quantity: 1)
        shop.world.clock.advance(by: .seconds(60))
        let start = shop.world.now
        _ = try await shop.placement.register(
            orderId: orderId, ref: "shop-own",
            contact: OrderRegistrar.Contact(
                userId: UserID("user-2")!, email: "two@example.dz", phone: nil, locale: .fr, channels: [.email]),
            by: MerchantOrders.Requester(
                actor: "merchant", requestID: nil, clientRequestID: nil, session: nil, limited: false))
        let window = (from: start - 1_000, to: shop.world.now + 1_000)

        let found = try await shop.reconciler.run(from: window.from, to: window.to)
        #expect(found.differences.isEmpty, "\(found.differences)")
        #expect(found.giftCardUpstreamCount == 0 && found.giftCardLocalCount == 1)
        #expect(shop.upstream.calls.last.map { ($0.endpoint, $0.argument) } ?? (.list, nil) == (.checkOrder, orderId))

        shop.upstream.fail(.checkOrder, .refused(UpstreamError(.notFound, code: "NOT_FOUND", httpStatus: 404)))
        let lost = try await shop.reconciler.run(from: window.from, to: window.to)
        let difference = try #require(lost.differences.first)
        #expect(lost.differences.count == 1)
        #expect(difference.kind == .missingUpstream && difference.product == "gift-card")
        #expect(difference.orderId == orderId && difference.ref == "shop-own" && difference.status == nil)
        #expect(difference.localStatus == "HANDLING" && difference.userId == "user-2")
        #expect(difference.value == 1_050)
    }
}
