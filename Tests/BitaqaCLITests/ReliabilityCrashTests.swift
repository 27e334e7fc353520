import BitaqaTestSupport
import Foundation
import Orders
import SQLKit
import Storage
import Testing

/// Issue 9's crash scenario: 500 orders fulfilled at once, `serve` killed with SIGKILL three times
/// while it delivers, restarted each time; every card must reach every channel.
@Suite("Reliability: crash during delivery")
struct ReliabilityCrashTests {
    @Test(
        "500 orders, three SIGKILLs mid-delivery: everything delivered, repeats only from the crash window",
        arguments: TestDatabase.available)
    func crash(database: TestDatabase) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (location, drop) = try await database.makeLocation(in: directory)
        // Everything placed first, then fulfilled within a few seconds of each other: the burst.
        let (sandbox, sandboxURL) = try await PipelineProcessTests.startSandbox(directory, resolve: (12, 14))
        defer { sandbox.terminateIfRunning() }
        var environment = PipelineProcessTests.serverEnvironment(
            directory, database: TestDatabase.url(of: location), sandbox: sandboxURL)
        environment["BITAQA_UPSTREAM_RATE_LIMIT"] = "500"
        environment["BITAQA_LOG_LEVEL"] = "warning"
        var server = try await ServerProcess.start(directory: directory.path, environment: environment)
        let ids = try await withThrowingTaskGroup(of: String?.self) { group in
            var placed: [String] = []
            for index in 0..<500 {
                if index >= 8, let id = try await group.next() { if let id { placed.append(id) } }
                let target = server
                group.addTask { try PipelineProcessTests.send(target, index: index) }
            }
            for try await id in group { if let id { placed.append(id) } }
            return placed
        }
        #expect(ids.count == 500)

        let store = try await Store.open(location, logger: TestDatabase.quietLogger)
        func delivered() async throws -> Int {
            try await store.sql.raw("SELECT COUNT(*) AS n FROM deliveries WHERE state = 'delivered'").first()?.decode(
                column: "n", as: Int.self) ?? 0
        }
        var killedAt: [Int] = []
        for round in 0..<3 {
            // Kill at a random point inside the burst: after some deliveries, before the end.
            let threshold = 60 + 250 * round + Int.random(in: 0..<100)
            for _ in 0..<600 where try await delivered() < threshold { try await Task.sleep(for: .milliseconds(20)) }
            killedAt.append(try await delivered())
            _ = server.stop(signal: SIGKILL, grace: .seconds(10))
            server = try await ServerProcess.start(directory: directory.path, environment: environment)
        }
        var done = 0
        for _ in 0..<900 {
            done = try await delivered()
            if done == 1_000 { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        _ = server.stop()
        await store.shutdown()
        #expect(done == 1_000, "delivered \(done) of 1000")
        let counts = PipelineProcessTests.outboxCounts(directory)
        #expect(counts.count == 1_000, "one message id per order and channel")
        let repeated = counts.filter { $0.value > 1 }.keys.sorted()
        // A repeat is a message a killed process handed to the channel but had not yet recorded: at most
        // one batch in flight (8 at a time) per kill.
        #expect(repeated.count <= 3 * 8, "repeats: \(repeated)")
        print(
            "crash: killed with \(killedAt) delivered; \(repeated.count) repeated message ids: \(repeated.prefix(10))")
        sandbox.terminateIfRunning()
        await drop()
    }
}
