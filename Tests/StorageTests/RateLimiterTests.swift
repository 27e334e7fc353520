import BitaqaTestSupport
import Orders
import Storage
import Testing

@Suite("Rate limiter")
struct RateLimiterTests {
    @Test("several pools (as several processes) share one limit; the window slides", arguments: TestDatabase.available)
    func sharedLimit(database: TestDatabase) async throws {
        try await database.withStore { _, location in
            let allowed = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<3 {
                    group.addTask {
                        let own = try await Store.open(
                            location, logger: TestDatabase.quietLogger, maxPostgresConnectionsPerLoop: 2)
                        let limiter = SQLRateLimiter(store: own)
                        var count = 0
                        do {
                            for _ in 0..<10
                            where try await limiter.hit("reveal:alice", limit: 12, windowMillis: 60_000, now: 1_000_000)
                                == .allowed
                            {
                                count += 1
                            }
                        } catch {
                            await own.shutdown()
                            throw error
                        }
                        await own.shutdown()
                        return count
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(allowed == 12)
            let store = try await Store.open(location, logger: TestDatabase.quietLogger)
            let limiter = SQLRateLimiter(store: store)
            #expect(
                try await limiter.hit("reveal:alice", limit: 12, windowMillis: 60_000, now: 1_030_000)
                    == .limited(retryAfter: 30))
            #expect(try await limiter.hit("reveal:bob", limit: 12, windowMillis: 60_000, now: 1_030_000) == .allowed)
            #expect(try await limiter.hit("reveal:alice", limit: 12, windowMillis: 60_000, now: 1_060_001) == .allowed)
            #expect(try await limiter.hit("reveal:alice", limit: 0, windowMillis: 60_000, now: 1_060_002) == .allowed)
            await store.shutdown()
        }
    }

    @Test(
        "hits arriving together are decided in batches exactly as one by one, across three pools",
        arguments: TestDatabase.available)
    func concurrentBatches(database: TestDatabase) async throws {
        try await database.withStore { _, location in
            // Three pools (as three processes), each with 40 hits in flight at once on two buckets.
            let decisions = try await withThrowingTaskGroup(of: [(String, RateLimitDecision)].self) { group in
                for _ in 0..<3 {
                    group.addTask {
                        let own = try await Store.open(
                            location, logger: TestDatabase.quietLogger, maxPostgresConnectionsPerLoop: 2)
                        let limiter = SQLRateLimiter(store: own)
                        do {
                            let mine = try await withThrowingTaskGroup(of: (String, RateLimitDecision).self) { hits in
                                for index in 0..<40 {
                                    let bucket = index % 4 == 0 ? "addr:10.0.0.1" : "reveal:carol"
                                    hits.addTask {
                                        (
                                            bucket,
                                            try await limiter.hit(
                                                bucket, limit: 25, windowMillis: 60_000, now: 2_000_000)
                                        )
                                    }
                                }
                                return try await hits.reduce(into: []) { $0.append($1) }
                            }
                            await own.shutdown()
                            return mine
                        } catch {
                            await own.shutdown()
                            throw error
                        }
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            func allowed(_ bucket: String) -> Int {
                decisions.filter { $0.0 == bucket && $0.1 == .allowed }.count
            }
            // 90 hits on carol's bucket and 30 on the address: 25 and all 30 would be over 25, so 25.
            #expect(allowed("reveal:carol") == 25)
            #expect(allowed("addr:10.0.0.1") == 25)
            #expect(decisions.filter { $0.1 == .limited(retryAfter: 60) }.count == 90 + 30 - 50)
        }
    }
}
