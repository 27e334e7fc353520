import BitaqaTestSupport
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
}
