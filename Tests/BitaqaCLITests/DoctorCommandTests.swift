import BitaqaCore
import BitaqaTestSupport
import CardVault
import Foundation
import Testing

/// `bitaqa doctor` against real parts: a sandbox for the upstream key, aiosmtpd (via the fault server)
/// for SMTP, the SMS fixture, and a port nothing listens on for what is not ready. And the startup
/// summary `serve` logs.
@Suite("bitaqa doctor and the startup summary")
struct DoctorCommandTests {
    static let key = String(repeating: "3d", count: 32)

    @Test("everything configured and reachable: a table of ready rows, exit 0, no secret printed")
    func allReady() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let mail = try await FaultyMailServer.start(in: directory)
        defer { mail.stop() }
        let sms = try await SMSEndpoint.start(in: directory, token: "doctor-sms-token-CANARY")
        defer { sms.stop() }
        let (sandbox, sandboxURL) = try await PipelineProcessTests.startSandbox(directory, resolve: (1, 2))
        defer { sandbox.terminateIfRunning() }
        var environment = [
            "BITAQA_DATA_DIR": directory.path, "ENCRYPTION_KEY": Self.key,
            "BITAQA_ADMIN_TOKEN": "doctor-admin-token-CANARY",
            "ONECLICKDZ_API_KEY": PipelineProcessTests.sandboxKey, "ONECLICKDZ_BASE_URL": sandboxURL,
            "BITAQA_SMTP_URL": mail.url, "BITAQA_SMTP_FROM": "Cards <cards@shop.dz>",
        ]
        environment.merge(sms.environment) { $1 }
        _ = try BitaqaProcess.run(["migrate"], environment: environment)
        let result = try BitaqaProcess.run(["doctor"], environment: environment)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let rows = result.stdout.split(separator: "\n").map(String.init)
        for check in ["configuration", "database", "key ring", "upstream", "smtp", "sms"] {
            #expect(rows.contains { $0.hasPrefix(check) && $0.contains(" ready ") }, "\(check) ready: \(result.stdout)")
        }
        #expect(result.stdout.contains("SANDBOX key, scope READ-WRITE"))
        #expect(result.stdout.contains("plain text"), "the SMTP row says how it connected")
        #expect(
            result.stdout.contains(
                try KeyRing(keys: [#require(SecretBytes(hex: Self.key, byteCount: 32))]).activeKeyID.hex))
        for secret in [Self.key, "CANARY", PipelineProcessTests.sandboxKey] {
            #expect(!result.stdout.contains(secret) && !result.stderr.contains(secret), "\(secret) printed")
        }
    }

    @Test("what is not there is NOT READY, with the reason, and exit 1")
    func notReady() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let closed = try FreePort.find()
        let result = try BitaqaProcess.run(
            ["doctor", "--timeout", "3"],
            environment: [
                "BITAQA_DATA_DIR": directory.path, "ENCRYPTION_KEY": Self.key,
                "ONECLICKDZ_API_KEY": "doctor-upstream-CANARY", "ONECLICKDZ_BASE_URL": "http://127.0.0.1:\(closed)",
                "BITAQA_SMTP_URL": "smtp+insecure://127.0.0.1:\(closed)", "BITAQA_SMTP_FROM": "a@shop.dz",
            ])
        #expect(result.status == 1, "\(result.stdout)")
        let rows = result.stdout.split(separator: "\n").map(String.init)
        #expect(rows.contains { $0.hasPrefix("database") && $0.contains("NOT READY") && $0.contains("bitaqa migrate") })
        #expect(rows.contains { $0.hasPrefix("upstream") && $0.contains("NOT READY") })
        #expect(rows.contains { $0.hasPrefix("smtp") && $0.contains("NOT READY") })
        #expect(!result.stdout.contains("CANARY"))
    }

    @Test("an unreadable configuration is one NOT READY row and exit 2")
    func badConfiguration() throws {
        let result = try BitaqaProcess.run(["doctor"], environment: ["BITAQA_HTTP_PORT": "nope"])
        #expect(result.status == 2)
        #expect(result.stdout.contains("configuration") && result.stdout.contains("BITAQA_HTTP_PORT"))
    }

    @Test("serve logs one startup summary at info: channels, database, upstream mode, key ids")
    func startupSummary() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try await ServerProcess.start(
            directory: directory.path,
            environment: [
                "BITAQA_DATA_DIR": directory.path, "ENCRYPTION_KEY": Self.key, "BITAQA_LOG_FORMAT": "json",
            ])
        let log = server.stop()
        let summary = log.split(separator: "\n").first { $0.contains("bitaqa ready") }.map(String.init) ?? ""
        let object = (try? JSONSerialization.jsonObject(with: Data(summary.utf8))) as? [String: Any] ?? [:]
        let fields = object["metadata"] as? [String: Any] ?? object
        #expect((object["level"] as? String)?.lowercased() == "info", "\(summary)")
        #expect(fields["channels"] as? String == "email,sms")
        #expect((fields["database"] as? String)?.contains("sqlite") == true)
        #expect((fields["upstream"] as? String)?.contains("in-process sandbox") == true)
        #expect(
            fields["key_ids"] as? String
                == (try KeyRing(keys: [#require(SecretBytes(hex: Self.key, byteCount: 32))]).activeKeyID.hex))
        #expect(!summary.contains(Self.key))
    }
}
