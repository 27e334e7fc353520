import Audit
import BitaqaCore
import Orders
import OrdersDoubles
import Testing

/// A listener that refuses every event it hears, to show what a failed append takes back with it.
struct RefusingListener: AuditListener {
    struct Refused: Error {}

    func appended(_ event: AuditEvent, at now: Int64, in transaction: Transaction) async throws {
        throw Refused()
    }
}

@Suite("Registering orders")
struct RegistrationTests {
    @Test("a new order is stored HANDLING, due for its first check, bound to its contacts, ORDER_REGISTERED audited")
    func created() async throws {
        let w = try World()
        let registered = try await w.registrar.register(
            World.newOrder("reg-1"), actor: "merchant", requestID: "r1", clientRequestID: "client-7")
        #expect(registered.created)
        #expect(registered.order.status == .handling)
        #expect(registered.order.nextCheckAt == w.now)
        #expect(registered.order.channels == [.email, .sms])
        #expect(w.binder.problem(with: registered.order) == nil, "the contacts are bound at registration")
        #expect(try await w.order("reg-1") == registered.order)
        let events = try await w.events("reg-1")
        #expect(events.map(\.event.kind) == [.orderRegistered])
        #expect(events.first?.event.actor == "merchant" && events.first?.event.requestID == "r1")
        #expect(events.first?.event.details["channels"] == "email,sms")
        #expect(events.first?.event.details["locale"] == "fr")
        #expect(events.first?.event.details["client_request_id"] == "client-7")
    }

    @Test("the same request again answers the stored order and audits nothing more")
    func existing() async throws {
        let w = try World()
        let first = try await w.registrar.register(World.newOrder("reg-2"), actor: "merchant", requestID: "r1")
        w.clock.advance(by: .seconds(30))
        let again = try await w.registrar.register(World.newOrder("reg-2"), actor: "merchant", requestID: "r2")
        #expect(!again.created)
        #expect(again.order == first.order, "the stored order, not a second one")
        #expect(try await w.kinds("reg-2") == [.orderRegistered])
    }

    @Test("another request for a registered id is a CONFLICT and changes nothing")
    func conflict() async throws {
        let w = try World()
        let first = try await w.registrar.register(World.newOrder("reg-3"), actor: "merchant", requestID: nil)
        let refusal = await publicError {
            _ = try await w.registrar.register(
                World.newOrder("reg-3", user: "someone-else"), actor: "merchant", requestID: nil)
        }
        #expect(refusal?.code == .conflict)
        #expect(try await w.order("reg-3") == first.order)
        #expect(try await w.kinds("reg-3") == [.orderRegistered])
    }

    @Test("a topupRef another order uses is a CONFLICT, and the second order is not stored")
    func refTaken() async throws {
        let w = try World()
        _ = try await w.registrar.register(World.newOrder("reg-4", ref: "REF-1"), actor: "merchant", requestID: nil)
        let refusal = await publicError {
            _ = try await w.registrar.register(World.newOrder("reg-5", ref: "REF-1"), actor: "merchant", requestID: nil)
        }
        #expect(refusal?.code == .conflict)
        #expect(refusal?.message.contains("topupRef") == true)
        #expect(try await w.order("reg-5") == nil)
        #expect(try await w.kinds("reg-5").isEmpty)
    }

    @Test("when the event cannot be written, the order is not stored either")
    func rolledBack() async throws {
        let w = try World()
        let refusing = DomainContext(
            repositories: w.repositories, trail: w.trail.notifying(RefusingListener()), time: w.clock.source)
        let registrar = OrderRegistrar(context: refusing, firstCheckDelay: .zero, binder: w.binder)
        await #expect(throws: RefusingListener.Refused.self) {
            try await registrar.register(World.newOrder("reg-6"), actor: "merchant", requestID: nil)
        }
        #expect(try await w.order("reg-6") == nil)
        #expect(try await w.trail.head() == nil, "the event went with it")
    }

    @Test("on the tracking schedule, the first check waits the upstream's minimum and falls on the grid")
    func firstCheckOnTheGrid() async throws {
        let w = try World()
        w.clock.advance(by: .milliseconds(1_234))
        let registrar = OrderRegistrar(context: w.context, schedule: w.schedule, binder: w.binder)
        let order = try await registrar.register(World.newOrder("reg-7"), actor: "merchant", requestID: nil).order
        let first = try #require(order.nextCheckAt)
        #expect(first >= w.now + 3_000)
        #expect(first % 5_000 == 0)
        #expect(
            try await w.repositories.leases.claim(.orderChecks, owner: "t", now: w.now, leaseMillis: 1, limit: 9)
                .isEmpty)
    }
}
