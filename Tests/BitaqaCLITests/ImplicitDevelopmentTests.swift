import BitaqaTestSupport
import Foundation
import Testing

/// Development by default is for a developer's machine: `serve` refuses it (exit 2, one line) when it
/// would listen beyond loopback or talk to the real upstream, unless `BITAQA_ENV` is written out.
@Suite("No development by accident")
struct ImplicitDevelopmentTests {
    static func run(_ arguments: [String], _ environment: [String: String], in directory: TemporaryDirectory) throws
        -> BitaqaProcess.Result
    {
        try BitaqaProcess.run(
            arguments, environment: ["BITAQA_DATA_DIR": directory.path].merging(environment) { $1 },
            workingDirectory: directory.path)
    }

    static func expectRefused(_ result: BitaqaProcess.Result, naming fragment: String) {
        #expect(result.status == 2, "\(result.stderr.suffix(800))")
        let lines = result.stderr.split(separator: "\n").filter { $0.hasPrefix("bitaqa:") }
        #expect(
            lines.count == 1 && lines[0].contains("BITAQA_ENV") && lines[0].contains(fragment),
            "\(result.stderr.suffix(800))")
    }

    @Test("every interface without BITAQA_ENV is refused; written out, development may")
    func nonLoopback() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let port = try FreePort.find()
        Self.expectRefused(
            try Self.run(["serve", "--http-host", "0.0.0.0", "--http-port", "\(port)"], [:], in: directory),
            naming: "0.0.0.0")
        let running = try BitaqaProcess.start(
            ["serve", "--http-host", "0.0.0.0", "--http-port", "\(port)"], workingDirectory: directory.path,
            environment: ["BITAQA_DATA_DIR": directory.path, "BITAQA_ENV": "development"]
        )
        defer { running.terminateIfRunning() }
        _ = try await HTTPProbe.waitForOK("http://127.0.0.1:\(port)/ready", timeout: .seconds(30))
        running.stop()
        #expect(running.process.terminationStatus == 0)
    }

    @Test("a key the upstream calls PRODUCTION, or one that cannot be checked, is refused without BITAQA_ENV")
    func realKey() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let stubPort = try FreePort.find()
        let stub = try Reliability.start(
            "/usr/bin/python3",
            [
                Reliability.repository.appendingPathComponent("scripts/security/production_upstream.py").path,
                "\(stubPort)",
            ])
        defer { stub.terminateIfRunning() }
        for _ in 0..<100 where (try? HTTPProbe.request("GET", "http://127.0.0.1:\(stubPort)/v3/validate").0) != 200 {
            try await Task.sleep(for: .milliseconds(50))
        }
        let live = [
            "ONECLICKDZ_API_KEY": "live-key-CANARY-0001", "ONECLICKDZ_BASE_URL": "http://127.0.0.1:\(stubPort)",
        ]
        let port = try FreePort.find()
        let refused = try Self.run(["serve", "--http-port", "\(port)"], live, in: directory)
        Self.expectRefused(refused, naming: "PRODUCTION")
        #expect(!refused.stderr.contains("CANARY"), "the key was printed")
        let closed = try FreePort.find()
        let unchecked = try Self.run(
            ["serve", "--http-port", "\(port)"],
            ["ONECLICKDZ_API_KEY": "k-0001", "ONECLICKDZ_BASE_URL": "http://127.0.0.1:\(closed)"],
            in: directory)
        Self.expectRefused(unchecked, naming: "SANDBOX")
        // No card code may have been written in clear to the outbox by a run that should not have started.
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/outbox"))
    }

    @Test("a sandbox key needs no BITAQA_ENV")
    func sandboxKey() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (sandbox, url) = try await PipelineProcessTests.startSandbox(directory, resolve: (3, 4))
        defer { sandbox.terminateIfRunning() }
        let server = try await ServerProcess.start(
            directory: directory.path,
            environment: [
                "BITAQA_DATA_DIR": directory.path, "ONECLICKDZ_API_KEY": PipelineProcessTests.sandboxKey,
                "ONECLICKDZ_BASE_URL": url,
            ]
        )
        _ = server.stop()
        #expect(server.running.process.terminationStatus == 0)
    }
}
