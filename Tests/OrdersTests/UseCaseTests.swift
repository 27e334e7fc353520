import Audit
import BitaqaCore
import BitaqaTestSupport
import CardVault
import CoreMetrics
import Foundation
import OneClickDZ
import Orders
import Storage
import Testing

/// The domain layer's use cases on their own: real SQLite and PostgreSQL, a clock the test moves, no HTTP.
@Suite("Use cases")
struct UseCaseTests {
    static let key = SecretBytes(hex: String(repeating: "5e", count: 32), byteCount: 32)!
    static let binder = ContactBinder(ring: try! KeyRing(keys: [key]))

    static func order(_ id: String, user: String = "buyer-1", email: String? = "b@shop.dz") -> NewOrder {
        var order = NewOrder(
            topupId: TopupID(id)!, userId: UserID(user)!, email: email, locale: .fr,
            channels: email == nil ? [] : [.email], fingerprint: ""
        )
        order.fingerprint = OrderFingerprint.of(order)
        return order
    }

    static func kinds(_ trail: AuditTrail, _ id: String) async throws -> [AuditKind] {
        try await trail.events(of: TopupID(id)!).map(\.event.kind)
    }

    @Test(
        "register: created once with its event, the same request again is not a second order, a different one is a conflict",
        arguments: TestDatabase.available)
    func register(database: TestDatabase) async throws {
        try await database.withStore { store, _ in
            let clock = ManualClock(1_000_000)
            let context = DomainContext(store: store, time: clock.source)
            let registrar = OrderRegistrar(context: context, firstCheckDelay: .seconds(3), binder: Self.binder)
            let first = try await registrar.register(Self.order("reg-1"), actor: "merchant", requestID: "r1")
            #expect(first.created && first.order.status == .handling)
            #expect(first.order.nextCheckAt == 1_003_000, "the first check waits the upstream's minimum HANDLING time")
            let again = try await registrar.register(Self.order("reg-1"), actor: "merchant", requestID: "r2")
            #expect(!again.created && again.order == first.order)
            await #expect(throws: PublicError.self) {
                try await registrar.register(
                    Self.order("reg-1", user: "someone-else"), actor: "merchant", requestID: "r3")
            }
            #expect(try await Self.kinds(context.trail, "reg-1") == [.orderRegistered], "one event for one order")
        }
    }

    @Test(
        "another buyer's order is the same not-found as a missing one; only the former is audited, later, collapsed",
        arguments: TestDatabase.available)
    func ownership(database: TestDatabase) async throws {
        try await database.withStore { store, _ in
            let context = DomainContext(store: store, time: ManualClock(5).source)
            _ = try await OrderRegistrar(context: context, firstCheckDelay: .zero, binder: Self.binder)
                .register(Self.order("own-1", user: "alice"), actor: "merchant", requestID: nil)
            let denials = DenialRecorder(trail: context.trail, time: context.time, logger: TestDatabase.quietLogger)
            let orders = CustomerOrders(context: context, denials: denials, onDemand: nil)
            #expect(
                try await orders.owned(
                    "own-1", by: UserID("alice")!, requestID: "q", client: "10.0.0.1", resource: "order"
                ).topupId.rawValue == "own-1")
            var codes: [PublicErrorCode] = []
            for id in ["own-1", "missing-1"] {
                do {
                    _ = try await orders.owned(
                        id, by: UserID("mallory")!, requestID: "q-\(id)", client: "10.0.0.9", resource: "card")
                } catch let error as PublicError {
                    codes.append(error.code)
                }
            }
            #expect(codes == [.orderNotFound, .orderNotFound])
            // Off the response path: nothing is written while answering, which would time the two apart.
            #expect(
                try await context.trail.events(of: TopupID("own-1")!).filter { $0.event.kind == .accessDenied }.isEmpty)
            for _ in 0..<4 {
                _ = try? await orders.owned(
                    "own-1", by: UserID("mallory")!, requestID: "q", client: "10.0.0.9", resource: "card")
            }
            await denials.flushAll()
            let denied = try await context.trail.events(of: TopupID("own-1")!).filter { $0.event.kind == .accessDenied }
            #expect(denied.count == 1)
            #expect(denied.first?.event.actor == "mallory" && denied.first?.event.details["client"] == "10.0.0.9")
            #expect(denied.first?.event.details["count"] == "5", "five probes, one event")
            #expect(try await context.trail.events(of: TopupID("missing-1")!).isEmpty)
        }
    }

    @Test(
        "card intake: stores, queues and audits in one go for the lease holder only; the reveal audits before it answers",
        arguments: TestDatabase.available)
    func intakeAndReveal(database: TestDatabase) async throws {
        try await database.withStore { store, _ in
            let clock = ManualClock(10_000)
            let context = DomainContext(store: store, time: clock.source)
            let vault = CardVault(keyRing: try KeyRing(keys: [Self.key]))
            let registered = try await OrderRegistrar(context: context, firstCheckDelay: .zero, binder: Self.binder)
                .register(Self.order("card-1"), actor: "merchant", requestID: nil)
            let card = FulfilledCard(code: CardCode("112233445566"), transactionNumber: "AT-1", processedDate: nil)
            let intake = CardIntake(context: context, vault: vault)
            // Nobody holds the order's lease: a worker that lost it stores nothing.
            await #expect(throws: CardIntake.NotStored.self) {
                try await intake.store(card, of: registered.order, owner: "worker-that-lost-it", now: clock.now)
            }
            #expect(try await context.repositories.cards.card(of: TopupID("card-1")!) == nil)
            let claimed = try await context.repositories.leases.claim(
                .orderChecks, owner: "worker-1", now: clock.now, leaseMillis: 60_000, limit: 10)
            #expect(claimed == ["card-1"])
            try await intake.store(card, of: registered.order, owner: "worker-1", now: clock.now)
            let deliveries = try await context.repositories.orders.deliveries(of: TopupID("card-1")!)
            #expect(deliveries.map(\.channel) == [.email] && deliveries.map(\.purpose) == [.card])
            #expect(try await Self.kinds(context.trail, "card-1") == [.orderRegistered, .statusChanged, .cardStored])

            let fulfilled = try #require(try await context.repositories.orders.find(TopupID("card-1")!))
            let revealer = CardRevealer(
                context: context, cards: CardReader(vault: vault, audit: context.trail, time: clock.source),
                window: .seconds(60),
                metrics: PipelineMetrics(factory: NOOPMetricsHandler.instance)
            )
            let viewer = CardRevealer.Viewer(
                userID: UserID("buyer-1")!, address: "10.0.0.2", userAgent: "test", requestID: "v1", channel: "in-app")
            let code = try await revealer.reveal(
                fulfilled, to: viewer, buckets: [("reveal:buyer-1", 1)], logger: TestDatabase.quietLogger)
            #expect(code == CardCode("112233445566"))
            #expect(try await Self.kinds(context.trail, "card-1").last == .cardViewed)
            // The limit of one view per window is spent; the next is refused and not audited.
            await #expect(throws: PublicError.self) {
                try await revealer.reveal(
                    fulfilled, to: viewer, buckets: [("reveal:buyer-1", 1)], logger: TestDatabase.quietLogger)
            }
            #expect(try await Self.kinds(context.trail, "card-1").filter { $0 == .cardViewed }.count == 1)
        }
    }

    @Test(
        "resend queues the card again and audits who asked; an order without a card is refused",
        arguments: TestDatabase.available)
    func resend(database: TestDatabase) async throws {
        try await database.withStore { store, _ in
            let context = DomainContext(store: store, time: ManualClock(50).source)
            let vault = CardVault(keyRing: try KeyRing(keys: [Self.key]))
            _ = try await OrderRegistrar(context: context, firstCheckDelay: .zero, binder: Self.binder).register(
                Self.order("rs-1"), actor: "merchant", requestID: nil)
            let resender = Resender(context: context)
            await #expect(throws: Resender.Refusal.notReady(.handling)) {
                try await resender.resend(TopupID("rs-1")!, channel: nil, actor: "merchant", requestID: nil)
            }
            try await CardStoring.store(CardCode("998877665544"), for: TopupID("rs-1")!, vault: vault, in: store)
            #expect(
                try await resender.resend(TopupID("rs-1")!, channel: nil, actor: "bitaqa orders resend", requestID: nil)
                    == [.email])
            let events = try await context.trail.events(of: TopupID("rs-1")!)
            #expect(events.last?.event.kind == .resendRequested && events.last?.event.actor == "bitaqa orders resend")
            #expect(try await context.repositories.orders.deliveries(of: TopupID("rs-1")!).count == 2)
        }
    }
}
