import BitaqaTestSupport
import Foundation
import Testing

/// Runs the real `bitaqa` binary as a separate process.
@Suite("The bitaqa command")
struct CommandLineTests {
    @Test("--help lists exactly the commands that exist")
    func help() throws {
        let result = try BitaqaProcess.run(["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("serve"))
        #expect(result.stdout.contains("migrate"))
        #expect(result.stdout.contains("keys"))
        #expect(result.stdout.contains("audit"))
        #expect(result.stdout.contains("sandbox"))
        #expect(result.stdout.contains("orders"))
    }

    @Test(
        "bad configuration exits 2 with one line naming the setting",
        arguments: [
            (["BITAQA_HTTP_PORT": "abc"], "BITAQA_HTTP_PORT"),
            (["BITAQA_DATABASE_URL": "postgres://u:CANARYpw@h:zz/db"], "BITAQA_DATABASE_URL"),
            (["ENCRYPTION_KEY": String(repeating: "a", count: 63)], "ENCRYPTION_KEY"),
            (["BITAQA_ENV": "production"], "ENCRYPTION_KEY"),
            (["BITAQA_ENV": "production", "ENCRYPTION_KEY": String(repeating: "a", count: 64)], "BITAQA_ADMIN_TOKEN"),
            (
                [
                    "BITAQA_ENV": "production", "ENCRYPTION_KEY": String(repeating: "a", count: 64),
                    "BITAQA_ADMIN_TOKEN": "0123456789abcdef", "BITAQA_HTTP_HOST": "0.0.0.0",
                ], "BITAQA_HTTP_HOST"
            ),
            (
                [
                    "BITAQA_ENV": "production", "ENCRYPTION_KEY": String(repeating: "a", count: 64),
                    "BITAQA_ADMIN_TOKEN": "0123456789abcdef",
                ], "ONECLICKDZ_API_KEY"
            ),
            (["ONECLICKDZ_BASE_URL": "https://api.oneclickdz.com/v3"], "ONECLICKDZ_BASE_URL"),
        ])
    func badConfiguration(environment: [String: String], setting: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for command in [["serve"], ["migrate"]] {
            let result = try BitaqaProcess.run(
                command, environment: environment.merging(["BITAQA_DATA_DIR": directory.path]) { a, _ in a })
            #expect(result.status == 2, "\(command): \(result.stderr)")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(result.stderr)")
            #expect(result.stderr.contains(setting))
            #expect(!result.stderr.contains("CANARYpw"))
            #expect(!result.stderr.contains(String(repeating: "a", count: 63)))
        }
    }

    @Test("an unknown option is bad usage: exit 2")
    func badUsage() throws {
        let result = try BitaqaProcess.run(["serve", "--no-such-option"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("no-such-option"))
    }

    @Test("migrate applies the schema once, then finds nothing to do")
    func migrate() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let environment = ["BITAQA_DATA_DIR": directory.path]
        let first = try BitaqaProcess.run(["migrate"], environment: environment)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("migrations applied: ") && !first.stdout.contains("migrations applied: 0"))
        let second = try BitaqaProcess.run(["migrate"], environment: environment)
        #expect(second.stdout.contains("migrations applied: 0"))
        #expect(FileManager.default.fileExists(atPath: directory.path + "/bitaqa.sqlite"))
    }

    @Test("serve with no settings answers /health and stops cleanly on SIGTERM", arguments: ["SIGTERM", "SIGINT"])
    func serveAndStop(signalName: String) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let port = try FreePort.find()
        // Only the working directory and the port: the defaults must do the rest.
        let server = try BitaqaProcess.start(["serve", "--http-port", "\(port)"], workingDirectory: directory.path)
        defer { server.terminateIfRunning() }
        let health = try await HTTPProbe.waitForOK("http://127.0.0.1:\(port)/health", timeout: .seconds(30))
        #expect(health.contains("\"ok\""))
        let ready = try await HTTPProbe.waitForOK("http://127.0.0.1:\(port)/ready", timeout: .seconds(5))
        #expect(ready.contains("sqlite"))
        #expect(FileManager.default.fileExists(atPath: directory.path + "/data/bitaqa.sqlite"))
        let started = ContinuousClock.now
        let log = server.stop(signal: signalName == "SIGTERM" ? SIGTERM : SIGINT)
        #expect(server.process.terminationStatus == 0)
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(log.contains("NO ENCRYPTION KEY CONFIGURED"))
        let key = try String(contentsOfFile: directory.path + "/data/dev-encryption.key", encoding: .utf8)
        #expect(!log.contains(key.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    @Test("JSON log format writes one JSON object a line")
    func jsonLogs() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let port = try FreePort.find()
        let server = try BitaqaProcess.start(
            ["serve", "--http-port", "\(port)"], workingDirectory: directory.path,
            environment: ["BITAQA_LOG_FORMAT": "json"]
        )
        defer { server.terminateIfRunning() }
        _ = try await HTTPProbe.waitForOK("http://127.0.0.1:\(port)/health", timeout: .seconds(30))
        let lines = server.stop().split(separator: "\n").filter { !$0.isEmpty }
        #expect(lines.count >= 3)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["message"] is String, "not a JSON log line: \(line)")
            #expect(object?["level"] is String)
        }
    }
}
