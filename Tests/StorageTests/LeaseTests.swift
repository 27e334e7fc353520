import BitaqaCore
import BitaqaTestSupport
import Orders
import SQLKit
import Storage
import Testing

@Suite("Row claiming")
struct LeaseTests {
    static func insertOrders(_ store: Store, count: Int, due: Int64) async throws {
        let repository = SQLOrderRepository(store: store)
        for index in 0..<count {
            let order = NewOrder(
                topupId: TopupID("claim-\(index)")!, userId: UserID("u")!, locale: .fr, channels: [],
                fingerprint: "f\(index)"
            )
            _ = try await repository.register(order, now: 0, firstCheckAt: due + Int64(index % 7))
        }
    }

    @Test(
        "the next due moment: the earliest due row, or the end of a lease someone holds on it",
        arguments: TestDatabase.available)
    func nextDue(database: TestDatabase) async throws {
        try await database.withStore { store, _ in
            let leases = SQLLeases(store: store)
            #expect(try await leases.nextDue(.orderChecks, now: 0) == nil, "an empty table has nothing due")
            try await Self.insertOrders(store, count: 3, due: 500)
            #expect(try await leases.nextDue(.orderChecks, now: 0) == 500)
            // The row due at 500 is claimed at 600 for 1,000 ms: it comes back at 1,600; the next row is due at 501.
            #expect(try await leases.claim(.orderChecks, owner: "w", now: 600, leaseMillis: 1_000, limit: 3).count == 3)
            #expect(try await leases.nextDue(.orderChecks, now: 700) == 1_600)
            try await leases.release(.orderChecks, key: "claim-0", owner: "w", nextDue: 900)
            #expect(try await leases.nextDue(.orderChecks, now: 700) == 900)
            // Done for good: the others' lease end is next.
            #expect(
                try await leases.claim(.orderChecks, owner: "w", now: 950, leaseMillis: 10, limit: 1) == ["claim-0"])
            try await leases.release(.orderChecks, key: "claim-0", owner: "w", nextDue: nil)
            #expect(try await leases.nextDue(.orderChecks, now: 960) == 1_600)
        }
    }

    @Test("concurrent claimers never receive the same row", arguments: TestDatabase.available)
    func exclusive(database: TestDatabase) async throws {
        try await database.withStore { store, location in
            try await Self.insertOrders(store, count: 120, due: 100)
            let claimed = try await withThrowingTaskGroup(of: [String].self) { group in
                for worker in 0..<6 {
                    group.addTask {
                        // Each worker has its own pool, as separate processes would.
                        let own = try await Store.open(
                            location, logger: TestDatabase.quietLogger, maxPostgresConnectionsPerLoop: 1)
                        let leases = SQLLeases(store: own)
                        var mine: [String] = []
                        do {
                            // Bounded: claims that never run dry would fail the count below, not hang.
                            for _ in 0..<100 {
                                let batch = try await leases.claim(
                                    .orderChecks, owner: "w\(worker)", now: 1_000, leaseMillis: 60_000, limit: 7)
                                if batch.isEmpty { break }
                                mine += batch
                            }
                        } catch {
                            await own.shutdown()
                            throw error
                        }
                        await own.shutdown()
                        return mine
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(claimed.count == 120)
            #expect(Set(claimed).count == 120)
        }
    }

    @Test("only due rows are claimed, earliest first, and a live lease is respected", arguments: TestDatabase.available)
    func dueAndLeased(database: TestDatabase) async throws {
        try await database.withStore { store, _ in
            try await Self.insertOrders(store, count: 14, due: 100)
            let leases = SQLLeases(store: store)
            let notYet = try await leases.claim(.orderChecks, owner: "a", now: 99, leaseMillis: 1_000, limit: 50)
            #expect(notYet.isEmpty)
            let first = try await leases.claim(.orderChecks, owner: "a", now: 101, leaseMillis: 1_000, limit: 50)
            #expect(Set(first) == ["claim-0", "claim-7", "claim-1", "claim-8"])
            let again = try await leases.claim(.orderChecks, owner: "b", now: 500, leaseMillis: 1_000, limit: 50)
            #expect(Set(again).isDisjoint(with: first))
            #expect(again.count == 10)
        }
    }

    @Test("an expired lease is claimable again; a stale owner cannot release it", arguments: TestDatabase.available)
    func expiry(database: TestDatabase) async throws {
        try await database.withStore { store, _ in
            try await Self.insertOrders(store, count: 1, due: 0)
            let leases = SQLLeases(store: store)
            #expect(
                try await leases.claim(.orderChecks, owner: "dead", now: 10, leaseMillis: 100, limit: 1) == ["claim-0"])
            #expect(try await leases.claim(.orderChecks, owner: "other", now: 50, leaseMillis: 100, limit: 1).isEmpty)
            #expect(
                try await leases.claim(.orderChecks, owner: "other", now: 111, leaseMillis: 100, limit: 1) == [
                    "claim-0"
                ])
            #expect(try await leases.release(.orderChecks, key: "claim-0", owner: "dead", nextDue: 5) == false)
            #expect(try await leases.release(.orderChecks, key: "claim-0", owner: "other", nextDue: 5_000) == true)
            #expect(try await leases.claim(.orderChecks, owner: "x", now: 4_999, leaseMillis: 100, limit: 1).isEmpty)
            #expect(
                try await leases.claim(.orderChecks, owner: "x", now: 5_000, leaseMillis: 100, limit: 1) == ["claim-0"])
            #expect(try await leases.release(.orderChecks, key: "claim-0", owner: "x", nextDue: nil))
            #expect(try await leases.claim(.orderChecks, owner: "y", now: .max / 2, leaseMillis: 1, limit: 1).isEmpty)
        }
    }
}
