import BitaqaCore
import BitaqaTestSupport
import Orders
import SQLKit
import Storage
import Testing

@Suite("Worker heartbeats")
struct WorkerTests {
    @Test(
        "a stale worker's claims go back at once, a live one's stay, and the stale one learns it at its next beat",
        arguments: TestDatabase.available)
    func reap(database: TestDatabase) async throws {
        try await database.withStore { store, _ in
            let workers = SQLWorkers(store: store)
            let leases = SQLLeases(store: store)
            try await LeaseTests.insertOrders(store, count: 6, due: 0)
            #expect(try await workers.beat("dead", now: 1_000) == false, "a first beat registers the worker")
            #expect(try await workers.beat("live", now: 1_000) == false)
            #expect(
                try await leases.claim(.orderChecks, owner: "dead", now: 1_000, leaseMillis: 60_000, limit: 4).count
                    == 4)
            #expect(
                try await leases.claim(.orderChecks, owner: "live", now: 1_000, leaseMillis: 60_000, limit: 2).count
                    == 2)
            #expect(try await workers.holds(.orderChecks, key: "claim-0", owner: "dead"))

            // "live" keeps beating; "dead" stopped at 1,000. At 12,000 with a 10 s timeout it is stale.
            #expect(try await workers.beat("live", now: 12_000))
            #expect(try await workers.live(since: 2_000) == 1)
            #expect(try await workers.reapStale(before: 2_000, except: "live") == ["dead": 4])
            #expect(try await !workers.holds(.orderChecks, key: "claim-0", owner: "dead"))
            // Its rows are claimable now, long before their leases (until 61,000) end; the live one's are not.
            let retaken = try await leases.claim(
                .orderChecks, owner: "live", now: 12_000, leaseMillis: 60_000, limit: 10)
            #expect(retaken.count == 4)
            #expect(try await workers.reapStale(before: 2_000, except: "live").isEmpty)

            // Resumed, the reaped worker finds its row gone, and is registered again.
            #expect(try await workers.beat("dead", now: 13_000) == false)
            #expect(try await workers.beat("dead", now: 14_000))
            #expect(try await workers.live(since: 5_000) == 2)

            // Graceful stop: every claim released at once, the row gone.
            #expect(try await workers.retire("live") == 6)
            #expect(try await workers.live(since: 5_000) == 1)
            #expect(
                try await leases.claim(.orderChecks, owner: "dead", now: 14_000, leaseMillis: 60_000, limit: 10).count
                    == 6)
        }
    }

    @Test("the reaper never takes its own claims, however old its row", arguments: TestDatabase.available)
    func notSelf(database: TestDatabase) async throws {
        try await database.withStore { store, _ in
            let workers = SQLWorkers(store: store)
            try await LeaseTests.insertOrders(store, count: 2, due: 0)
            _ = try await workers.beat("me", now: 0)
            _ = try await SQLLeases(store: store).claim(
                .orderChecks, owner: "me", now: 0, leaseMillis: 60_000, limit: 2)
            #expect(try await workers.reapStale(before: 50_000, except: "me").isEmpty)
            #expect(try await workers.holds(.orderChecks, key: "claim-0", owner: "me"))
        }
    }
}
