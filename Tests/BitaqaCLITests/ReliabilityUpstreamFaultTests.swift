import BitaqaTestSupport
import Foundation
import Orders
import Storage
import Testing

/// Issue 9's upstream faults: check calls answered 5xx, 429 with `Retry-After`, hanging past the
/// client's timeout and malformed, while `serve` runs as its own process against a standalone sandbox.
@Suite("Reliability: upstream faults")
struct ReliabilityUpstreamFaultTests {
    /// The most calls that started within any `window` seconds.
    static func busiest(_ starts: [Double], window: Double) -> Int {
        let sorted = starts.sorted()
        var best = 0
        var low = 0
        for high in sorted.indices {
            while sorted[high] - sorted[low] >= window { low += 1 }
            best = max(best, high - low + 1)
        }
        return best
    }

    @Test("30% 5xx, 10% 429, hangs and broken JSON: every order delivered, calls under the rate")
    func upstreamFaults() async throws {
        let orders = Reliability.count(ci: 120, full: 500)
        let rate = 40.0
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (location, drop) = try await TestDatabase.sqlite.makeLocation(in: directory)
        let (sandbox, sandboxURL) = try await PipelineProcessTests.startSandbox(directory, resolve: (3, 8))
        defer { sandbox.terminateIfRunning() }
        var environment = PipelineProcessTests.serverEnvironment(
            directory, database: TestDatabase.url(of: location), sandbox: sandboxURL)
        environment["BITAQA_POLL_INTERVAL"] = "1"
        environment["BITAQA_UPSTREAM_RATE_LIMIT"] = "\(Int(rate))"
        environment["ONECLICKDZ_TIMEOUT"] = "1"
        environment["BITAQA_LOG_LEVEL"] = "warning"
        let server = try await ServerProcess.start(directory: directory.path, environment: environment)
        // The faults hit the status checks (check-id), from the first one.
        let control = SandboxControl(base: sandboxURL)
        try control.setFaults(
            serverErrors: 0.3, rateLimits: 0.1, malformed: 0.05, slow: 0.05, slowSeconds: 3, retryAfter: 1)
        let ids = try await Reliability.placeAll(orders, on: [server])
        #expect(ids.count == orders)
        let store = try await Store.open(location, logger: TestDatabase.quietLogger)
        let started = ContinuousClock.now
        let drained = try await Reliability.waitUntil(.seconds(Reliability.full ? 900 : 240)) {
            try await Reliability.deliveryStates(store)["delivered"] == 2 * orders
        }
        let drainTime = ContinuousClock.now - started
        let states = try await Reliability.deliveryStates(store)
        await store.shutdown()
        _ = server.stop()
        #expect(drained, "deliveries by state: \(states)")

        let log = try control.requests().filter { $0.route == "GET /internet/check-id" }
        let statuses = Dictionary(grouping: log, by: \.status).mapValues(\.count)
        let hung = log.filter { $0.end - $0.start >= 2.9 }.count
        #expect(
            (statuses[503] ?? 0) > 0 && (statuses[429] ?? 0) > 0 && hung > 0,
            "the faults happened: \(statuses), \(hung) hung")
        // A token bucket of `rate` a second with a burst of `rate`: within any window of w seconds at
        // most rate·(w + 1) calls start. Allow one call of clock jitter.
        let starts = log.map(\.start)
        for window in [1.0, 5.0] {
            let busiest = Self.busiest(starts, window: window)
            #expect(Double(busiest) <= rate * (window + 1) + 1, "\(busiest) check calls within \(window) s")
        }
        let counts = PipelineProcessTests.outboxCounts(directory)
        #expect(counts.count == 2 * orders)
        #expect(counts.values.allSatisfy { $0 == 1 }, "a message went out twice")
        print(
            "upstream faults: \(orders) orders delivered \(drainTime) after the last was placed; check calls \(log.count) "
                + "(\(String(format: "%.2f", Double(log.count) / Double(orders))) per order), statuses \(statuses), \(hung) hung; "
                + "busiest 1 s: \(Self.busiest(starts, window: 1)), 5 s: \(Self.busiest(starts, window: 5)) (limit \(Int(rate))/s)"
        )
        sandbox.terminateIfRunning()
        await drop()
    }
}
