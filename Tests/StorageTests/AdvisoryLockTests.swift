import BitaqaTestSupport
import Orders
import SQLKit
import Storage
import Testing

@Suite("Advisory locks")
struct AdvisoryLockTests {
    @Test("a held lock is waited for in short turns on the server, and the transaction keeps its own lock timeout")
    func boundedTurns() async throws {
        guard TestDatabase.available.contains(.postgres) else { return }
        try await TestDatabase.postgres.withStore { store, location in
            let other = try await Store.open(location, logger: TestDatabase.quietLogger)
            let (taken, signal) = AsyncStream<Void>.makeStream()
            let holder = Task {
                // A holder that fails before taking the lock ends the stream, so the wait below ends too.
                defer { signal.finish() }
                try await other.transaction { transaction in
                    try await transaction.lock(.auditChain)
                    signal.yield()
                    try await Task.sleep(for: .milliseconds(1_500))
                }
            }
            for await _ in taken { break }
            let started = ContinuousClock.now
            let (missed, setting, waited, heldByOthers) = try await store.transaction { transaction in
                _ = try await transaction.sql.raw("SET LOCAL lock_timeout = '7s'").run()
                let missed = try await transaction.lock(.auditChain, patience: .milliseconds(100))
                let waited = ContinuousClock.now - started
                let setting = try await transaction.sql.raw("SELECT current_setting('lock_timeout') AS value").first()?
                    .decode(column: "value", as: String.self)
                let free = try await other.transaction { probe in
                    try await probe.sql.raw("SELECT pg_try_advisory_xact_lock(80121702) AS free").first()?
                        .decode(column: "free", as: Bool.self)
                }
                return (missed, setting, waited, free == false)
            }
            try await holder.value
            await other.shutdown()
            // Fifteen turns of 100 ms, each ended by the server, then the lock once the holder committed.
            #expect(waited >= .milliseconds(1_200), "waited \(waited)")
            #expect(missed >= 5, "turns that ended without the lock: \(missed)")
            #expect(setting == "7s", "the transaction's own lock_timeout is back after the lock")
            #expect(heldByOthers, "the lock is held until the transaction ends")
        }
    }
}
