import BitaqaCore
import BitaqaTestSupport
import Orders
import SQLKit
import Storage
import Testing

@Suite("Order repository")
struct OrderRepositoryTests {
    static func order(_ id: String, user: String = "user-1", fingerprint: String = "fp", ref: String? = nil) -> NewOrder
    {
        NewOrder(
            topupId: TopupID(id)!, topupRef: ref, userId: UserID(user)!, email: "buyer@shop.dz",
            phone: "+213551234567", locale: .ar, channels: [.sms, .email], fingerprint: fingerprint
        )
    }

    @Test("register stores every field and reads it back", arguments: TestDatabase.available)
    func roundTrip(database: TestDatabase) async throws {
        try await database.withStore { store, _ in
            let repository = SQLOrderRepository(store: store)
            let outcome = try await repository.register(
                Self.order("t-1", ref: "ref-1"), now: 1_700_000_000_123, firstCheckAt: 1_700_000_000_200)
            guard case .created(let record) = outcome else {
                Issue.record("expected created, got \(outcome)")
                return
            }
            #expect(record.topupId.rawValue == "t-1")
            #expect(record.topupRef == "ref-1")
            #expect(record.userId.rawValue == "user-1")
            #expect(record.status == .handling)
            #expect(record.locale == .ar)
            #expect(record.channels == [.email, .sms])
            #expect(record.email == "buyer@shop.dz")
            #expect(record.createdAt == 1_700_000_000_123)
            #expect(record.nextCheckAt == 1_700_000_000_200)
            #expect(record.sealedCard == nil)
            #expect(try await repository.find(TopupID("t-1")!) == record)
            #expect(try await repository.deliveries(of: TopupID("t-1")!).isEmpty)
        }
    }

    @Test(
        "the same request is idempotent, a different one conflicts, a reused ref is refused",
        arguments: TestDatabase.available)
    func idempotency(database: TestDatabase) async throws {
        try await database.withStore { store, _ in
            let repository = SQLOrderRepository(store: store)
            guard
                case .created(let first) = try await repository.register(
                    Self.order("t-2", ref: "r"), now: 1, firstCheckAt: 1)
            else {
                Issue.record("first registration did not create")
                return
            }
            #expect(
                try await repository.register(Self.order("t-2", ref: "r"), now: 9, firstCheckAt: 9) == .existing(first))
            #expect(
                try await repository.register(
                    Self.order("t-2", fingerprint: "other", ref: "r"), now: 9, firstCheckAt: 9) == .conflict(first))
            #expect(try await repository.register(Self.order("t-3", ref: "r"), now: 9, firstCheckAt: 9) == .refTaken)
            #expect(try await repository.find(TopupID("t-3")!) == nil)
        }
    }

    @Test("concurrent registrations of one order create it exactly once", arguments: TestDatabase.available)
    func concurrentRegistration(database: TestDatabase) async throws {
        try await database.withStore { store, _ in
            let repository = SQLOrderRepository(store: store)
            let outcomes = try await withThrowingTaskGroup(of: RegistrationOutcome.self) { group in
                for _ in 0..<8 {
                    group.addTask { try await repository.register(Self.order("t-4"), now: 1, firstCheckAt: 1) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let created = outcomes.filter { if case .created = $0 { true } else { false } }
            #expect(created.count == 1)
            #expect(outcomes.count == 8)
        }
    }

    @Test("ownership is part of the lookup", arguments: TestDatabase.available)
    func ownership(database: TestDatabase) async throws {
        try await database.withStore { store, _ in
            let repository = SQLOrderRepository(store: store)
            _ = try await repository.register(Self.order("t-5", user: "alice"), now: 1, firstCheckAt: 1)
            #expect(try await repository.find(TopupID("t-5")!, ownedBy: UserID("alice")!) != nil)
            #expect(try await repository.find(TopupID("t-5")!, ownedBy: UserID("bob")!) == nil)
            #expect(try await repository.find(TopupID("nope")!, ownedBy: UserID("alice")!) == nil)
        }
    }

    @Test("deliveries of an order are read in order", arguments: TestDatabase.available)
    func deliveries(database: TestDatabase) async throws {
        try await database.withStore { store, _ in
            let repository = SQLOrderRepository(store: store)
            _ = try await repository.register(Self.order("t-6"), now: 1, firstCheckAt: 1)
            for (index, channel) in ["sms", "email"].enumerated() {
                try await store.sql.raw(
                    """
                    INSERT INTO deliveries (id, topup_id, channel, purpose, state, attempts, created_at, updated_at, next_attempt_at)
                    VALUES (\(bind: "d\(index)"), 't-6', \(bind: channel), 'card', 'pending', 0, \(bind: Int64(10 + index)), 10, 10)
                    """
                ).run()
            }
            let list = try await repository.deliveries(of: TopupID("t-6")!)
            #expect(list.map(\.channel) == [.sms, .email])
            #expect(list.allSatisfy { $0.state == .pending && $0.purpose == .card && $0.attempts == 0 })
        }
    }
}
