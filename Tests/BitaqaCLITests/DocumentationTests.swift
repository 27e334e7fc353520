import BitaqaTestSupport
import Foundation
import Testing

/// The documents a merchant's developer reads first, kept true by running them: every command of
/// `docs/integration.md`, and schemathesis checking the live server against `openapi.yaml`.
@Suite("Documentation kept true")
struct DocumentationTests {
    /// Runs a page's shell blocks (or one marked section of them) with `scripts/run_doc_commands.py`, against
    /// the built binary, in a scratch data folder and on a free port.
    static func runDocument(_ page: String, section: String? = nil) throws -> BitaqaProcess.Running {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let binaries = BitaqaProcess.executable.deletingLastPathComponent().path
        // The script kills the page's commands at DOC_TIMEOUT; the margin is for it to report and exit.
        let timeout = section == nil ? 300 : 120
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            [
                "python3", Reliability.repository.appendingPathComponent("scripts/run_doc_commands.py").path,
                Reliability.repository.appendingPathComponent(page).path,
            ] + (section.map { ["--section", $0] } ?? [])
        process.environment = BitaqaProcess.environment([
            "PATH": binaries + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
            "DOC_SKIP_BUILD": "1", "BITAQA_HTTP_PORT": "\(try FreePort.find())",
            "BITAQA_DATA_DIR": directory.path + "/data", "DOC_TIMEOUT": "\(timeout)",
        ])
        process.currentDirectoryURL = URL(fileURLWithPath: directory.path)
        let running = BitaqaProcess.Running(process: process)
        try process.run()
        running.expectExit(within: .seconds(timeout + 60))
        return running
    }

    @Test("every command in docs/integration.md runs, in order, against the built binary")
    func integrationGuide() throws {
        let running = try Self.runDocument("docs/integration.md")
        #expect(
            running.status == 0,
            "\(running.stdout().suffix(3_000))\n\(running.stderr().suffix(3_000))")
        #expect(running.stdout().contains("audit OK"), "the walkthrough ends by verifying the audit trail")
    }

    @Test("the README's quick start, pasted as is, ends with the buyer's card and its email")
    func quickStart() throws {
        let started = ContinuousClock.now
        let running = try Self.runDocument("README.md", section: "quickstart")
        let output = running.stdout()
        #expect(running.status == 0, "\(output.suffix(3_000))\n\(running.stderr().suffix(3_000))")
        #expect(output.contains(#""cardCode":""#), "the buyer read the card")
        #expect(output.contains(".eml"), "the email is in the outbox")
        #expect(ContinuousClock.now - started < .seconds(120), "a newcomer is done in under two minutes")
    }

    @Test("schemathesis finds no response outside openapi.yaml and no 5xx")
    func openAPIConformance() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard environment["BITAQA_TEST_SCHEMATHESIS"] == "1" else {
            #expect(environment["BITAQA_TEST_REQUIRE_POSTGRES"] != "1", "scripts/test must run schemathesis")
            return
        }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let jwtSecret = String(repeating: "o", count: 40)
        let admin = "openapi-admin-token-0001"
        let server = try await ServerProcess.start(
            directory: directory.path,
            environment: [
                "BITAQA_DATA_DIR": directory.path, "BITAQA_ADMIN_TOKEN": admin, "BITAQA_JWT_SECRET": jwtSecret,
                "BITAQA_RATE_LIMIT_ADDRESS": "0", "BITAQA_RATE_LIMIT_AUTH_FAILURES": "0", "BITAQA_LOG_LEVEL": "warning",
            ])
        let token = try await CustomerToken.hs256(subject: "buyer-1", secret: jwtSecret)
        let check = try Reliability.start(
            "/bin/bash",
            [
                Reliability.repository.appendingPathComponent("scripts/openapi_check.sh").path, server.base, admin,
                token,
            ])
        // Long enough for the first run's pip install of schemathesis.
        check.expectExit(within: .seconds(900))
        _ = server.stop()
        #expect(
            check.status == 0, "\(check.stdout().suffix(4_000))\n\(check.stderr().suffix(2_000))")
    }
}
