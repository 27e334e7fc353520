import BitaqaTestSupport
import Foundation
import Orders
import Storage
import Testing

/// Issue 9's scale-out: three `serve` processes on one PostgreSQL database share the orders; the
/// sandbox's request log shows who checked which order when.
@Suite("Reliability: scale-out")
struct ReliabilityScaleOutTests {
    @Test("three processes on PostgreSQL: each delivery once, no order checked by two at once, work spread")
    func threeProcesses() async throws {
        guard TestDatabase.available.contains(.postgres) else { return }
        let orders = Reliability.count(ci: 300, full: 1_000)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (location, drop) = try await TestDatabase.postgres.makeLocation(in: directory)
        let (sandbox, sandboxURL) = try await PipelineProcessTests.startSandbox(directory, resolve: (1, 6))
        defer { sandbox.terminateIfRunning() }
        var environment = PipelineProcessTests.serverEnvironment(
            directory, database: TestDatabase.url(of: location), sandbox: sandboxURL)
        environment["BITAQA_POLL_INTERVAL"] = "0.5"
        environment["BITAQA_UPSTREAM_RATE_LIMIT"] = "100"
        environment["BITAQA_LEASE_SECONDS"] = "10"
        let servers = [
            try await ServerProcess.start(directory: directory.path, environment: environment),
            try await ServerProcess.start(directory: directory.path, environment: environment),
            try await ServerProcess.start(directory: directory.path, environment: environment),
        ]
        let started = ContinuousClock.now
        let ids = try await Reliability.placeAll(orders, on: servers)
        #expect(ids.count == orders)
        let store = try await Store.open(location, logger: TestDatabase.quietLogger)
        let drained = try await Reliability.waitUntil(.seconds(Reliability.full ? 600 : 240)) {
            try await Reliability.deliveryStates(store)["delivered"] == 2 * orders
        }
        let elapsed = ContinuousClock.now - started
        let states = try await Reliability.deliveryStates(store)
        await store.shutdown()
        let peaks = servers.map { Reliability.memory(of: $0.running.process.processIdentifier)?.peak ?? 0 }
        let logs = servers.map { $0.stop() }
        #expect(drained, "deliveries by state: \(states)")

        let counts = PipelineProcessTests.outboxCounts(directory)
        #expect(counts.count == 2 * orders)
        #expect(counts.values.allSatisfy { $0 == 1 }, "a message went out twice")

        // No two processes with a check of the same order in flight at the same time.
        let checks = try SandboxControl(base: sandboxURL).requests().filter { $0.route == "GET /internet/check-id" }
        var overlaps: [String] = []
        for (order, calls) in Dictionary(grouping: checks, by: \.id) {
            let sorted = calls.sorted { $0.start < $1.start }
            for (earlier, later) in zip(sorted, sorted.dropFirst())
            where earlier.agent != later.agent && later.start < earlier.end {
                overlaps.append(order)
            }
        }
        #expect(overlaps.isEmpty, "orders checked by two processes at once: \(overlaps.prefix(5))")
        let byAgent = Dictionary(grouping: checks, by: \.agent).mapValues(\.count)
        #expect(byAgent.count == 3, "three workers called the upstream: \(byAgent.keys)")
        // Each order is checked about once, by whichever process's poll finds it due first, so the share
        // varies: the least busy of the three made 21 to 85 of 300 over eleven runs before issue 21 (7%), and
        // 4 of 300 in a full run on a machine busy with a second build (issue 28). The spread of checks is
        // fairness, not correctness (each order is still checked by one process at a time, above), so the
        // floor is that every process takes part; the deliveries' spread below is the work that matters.
        #expect(byAgent.values.allSatisfy { $0 >= 1 }, "checks spread over the three: \(byAgent)")
        let deliveredBy = logs.map {
            $0.components(separatedBy: "\n").filter { $0.contains("delivered") && $0.contains("channel") }.count
        }
        #expect(deliveredBy.allSatisfy { $0 >= orders / 10 }, "deliveries spread over the three: \(deliveredBy)")
        print(
            "scale-out: \(orders) orders, \(2 * orders) messages once each in \(elapsed); checks per process \(byAgent.values.sorted()), "
                + "deliveries per process \(deliveredBy), \(String(format: "%.2f", Double(checks.count) / Double(orders))) checks per order, "
                + "peak RSS per process \(peaks.map { "\($0 / 1024) MiB" })"
        )
        sandbox.terminateIfRunning()
        await drop()
    }
}
