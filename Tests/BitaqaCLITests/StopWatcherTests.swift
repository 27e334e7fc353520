import BitaqaTestSupport
import Foundation
import Testing

/// The last line of defence of issue 28: a `serve` whose graceful stop cannot finish (every event loop
/// blocked, as the `merge` deadlock left them) still ends, by the stop watcher's plain thread.
@Suite("Serve stop watcher")
struct StopWatcherTests {
    /// BITAQA_SHUTDOWN_TIMEOUT of 1 s: the hard bound is 1 + 5 + 5 = 11 s after the first signal.
    static let hardBound: Duration = .seconds(11)

    static func stalledServer(_ directory: TemporaryDirectory) async throws -> ServerProcess {
        var environment = try LifecycleProcessTests.channelEnvironment(directory)
        environment["BITAQA_SHUTDOWN_TIMEOUT"] = "1"
        environment["BITAQA_DEBUG_STALL_ON_STOP"] = "1"
        return try await ServerProcess.start(directory: directory.path, environment: environment)
    }

    @Test("a stop that cannot finish ends at the bound: status 1 and a line that says why")
    func overdueStop() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try await Self.stalledServer(directory)
        defer { server.running.terminateIfRunning() }
        let signalled = ContinuousClock.now
        kill(server.running.process.processIdentifier, SIGTERM)
        let exited = server.running.waitForExit(timeout: Self.hardBound + .seconds(10))
        let took = ContinuousClock.now - signalled
        let stderr = server.running.stderr()
        #expect(exited, "still running \(took) after SIGTERM: \(stderr.suffix(1_500))")
        guard exited else { return }
        #expect(server.running.process.terminationReason == .exit, "\(stderr.suffix(1_500))")
        #expect(server.running.process.terminationStatus == 1, "\(stderr.suffix(1_500))")
        #expect(stderr.contains("the graceful stop did not finish within its bound"), "\(stderr.suffix(1_500))")
        #expect(stderr.contains("bound_seconds=11"), "\(stderr.suffix(1_500))")
        // Not before the bound (the graceful stop had its full time), and not long after it.
        #expect(took >= Self.hardBound - .milliseconds(100) && took < Self.hardBound + .seconds(3), "took \(took)")
    }

    @Test("a second signal ends a stuck stop at once", arguments: [SIGINT, SIGTERM])
    func secondSignal(second: Int32) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try await Self.stalledServer(directory)
        defer { server.running.terminateIfRunning() }
        kill(server.running.process.processIdentifier, SIGTERM)
        try await Task.sleep(for: .milliseconds(500))
        let signalled = ContinuousClock.now
        kill(server.running.process.processIdentifier, second)
        let exited = server.running.waitForExit(timeout: .seconds(5))
        let took = ContinuousClock.now - signalled
        let stderr = server.running.stderr()
        #expect(exited && took < .seconds(2), "second signal: still running after \(took): \(stderr.suffix(1_500))")
        guard exited else { return }
        #expect(server.running.process.terminationReason == .exit, "\(stderr.suffix(1_500))")
        #expect(server.running.process.terminationStatus == 128 + second, "\(stderr.suffix(1_500))")
        #expect(stderr.contains("second stop signal: exiting now"), "\(stderr.suffix(1_500))")
    }
}
