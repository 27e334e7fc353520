import BitaqaTestSupport
import Foundation
import Orders
import Storage
import Testing

/// Issue 9's graceful shutdown: SIGTERM in the middle of a delivery burst finishes the deliveries in
/// hand, records them, and exits within the configured bound; a restart sends nothing twice.
@Suite("Reliability: graceful shutdown")
struct ReliabilityShutdownTests {
    @Test("SIGTERM during a burst: the batch in hand is finished and recorded, exit within the bound, no repeat")
    func sigtermDuringBurst() async throws {
        let orders = Reliability.count(ci: 200, full: 1_000)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (location, drop) = try await TestDatabase.sqlite.makeLocation(in: directory)
        let mail = try await FaultyMailServer.start(in: directory)
        defer { mail.stop() }
        let (sandbox, sandboxURL) = try await PipelineProcessTests.startSandbox(directory, resolve: (3, 4))
        defer { sandbox.terminateIfRunning() }
        var environment = PipelineProcessTests.serverEnvironment(
            directory, database: TestDatabase.url(of: location), sandbox: sandboxURL)
        environment.merge(mail.environment) { $1 }
        environment["BITAQA_UPSTREAM_RATE_LIMIT"] = "500"
        environment["BITAQA_SHUTDOWN_TIMEOUT"] = "10"
        environment["BITAQA_LOG_LEVEL"] = "warning"
        let server = try await ServerProcess.start(directory: directory.path, environment: environment)
        let ids = try await Reliability.placeAll(orders, on: [server])
        #expect(ids.count == orders)
        let store = try await Store.open(location, logger: TestDatabase.quietLogger)
        _ = try await Reliability.waitUntil(.seconds(60), every: .milliseconds(20)) {
            (try await Reliability.deliveryStates(store)["delivered"] ?? 0) >= orders / 4
        }
        let signalled = ContinuousClock.now
        let log = server.stop()
        let exitTime = ContinuousClock.now - signalled
        #expect(server.running.process.terminationStatus == 0, "\(log.suffix(2_000))")
        #expect(exitTime < .seconds(10), "exited \(exitTime) after SIGTERM")

        // Everything the mail server accepted is recorded as delivered: nothing was in hand and lost.
        let recorded =
            try await store.sql.raw(
                "SELECT COUNT(*) AS n FROM deliveries WHERE state = 'delivered' AND channel = 'email'"
            ).first()?
            .decode(column: "n", as: Int.self) ?? 0
        let acceptedAtStop = mail.accepted().count
        #expect(recorded == acceptedAtStop, "\(acceptedAtStop) emails accepted, \(recorded) recorded as delivered")

        let restarted = try await ServerProcess.start(directory: directory.path, environment: environment)
        let drained = try await Reliability.waitUntil(.seconds(120)) {
            try await Reliability.deliveryStates(store)["delivered"] == 2 * orders
        }
        await store.shutdown()
        _ = restarted.stop()
        #expect(drained)
        let accepted = mail.accepted()
        #expect(accepted.count == orders)
        #expect(accepted.values.allSatisfy { $0 == 1 }, "after a graceful stop nothing is sent twice")
        print(
            "graceful shutdown: SIGTERM at \(recorded) of \(orders) emails; exited in \(exitTime) with status 0; \(acceptedAtStop) accepted = \(recorded) recorded; 0 repeats after restart"
        )
        sandbox.terminateIfRunning()
        await drop()
    }
}
