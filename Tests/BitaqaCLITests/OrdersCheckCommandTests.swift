import BitaqaTestSupport
import Foundation
import Testing

/// `bitaqa orders check TOPUP_ID` against a standalone sandbox: a check now, out of the schedule.
@Suite("bitaqa orders check")
struct OrdersCheckCommandTests {
    @Test("checks now and prints the order; exit 1 with the order when the upstream is down; no key is refused")
    func check() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (location, drop) = try await TestDatabase.sqlite.makeLocation(in: directory)
        let (sandbox, url) = try await PipelineProcessTests.startSandbox(directory, resolve: (0.3, 0.3))
        defer { sandbox.terminateIfRunning() }
        var environment = PipelineProcessTests.serverEnvironment(
            directory, database: TestDatabase.url(of: location), sandbox: url)
        // Far apart scheduled checks: only the command can see the fulfilment in time.
        environment["BITAQA_POLL_INTERVAL"] = "600"
        let server = try await ServerProcess.start(directory: directory.path, environment: environment)
        let first = try #require(try PipelineProcessTests.send(server, index: 1))
        let second = try #require(try PipelineProcessTests.send(server, index: 2))
        _ = server.stop()
        try await Task.sleep(for: .milliseconds(600))

        let checked = try BitaqaProcess.run(["orders", "check", first], environment: environment)
        #expect(checked.status == 0, "\(checked.stderr.suffix(500))")
        let order = try JSONSerialization.jsonObject(with: Data(checked.stdout.utf8)) as? [String: Any]
        #expect(order?["topupId"] as? String == first)
        #expect(order?["status"] as? String == "FULFILLED", "\(checked.stdout)")
        #expect(!checked.stdout.contains("cardCode"))

        sandbox.terminateIfRunning()
        let down = try BitaqaProcess.run(["orders", "check", second], environment: environment)
        #expect(down.status == 1)
        #expect(
            down.stdout.contains(second) && down.stderr.contains("the upstream did not answer the check"),
            "\(down.stderr)")

        var keyless = environment
        keyless["ONECLICKDZ_API_KEY"] = nil
        let refused = try BitaqaProcess.run(["orders", "check", first], environment: keyless)
        #expect(refused.status == 1 && refused.stderr.contains("POST /v1/orders/\(first)/check"), "\(refused.stderr)")
        #expect(try BitaqaProcess.run(["orders", "check", "no such id"], environment: environment).status == 2)
        await drop()
    }
}
