import BitaqaTestSupport
import Foundation
import Testing

/// Operator alerts from `serve` to a real SMTP server: each condition emailed once when it starts and
/// once when it clears.
@Suite("Operator alerts")
struct AlertProcessTests {
    /// The subjects of the alert emails the mail server accepted, in order.
    static func alertSubjects(_ mail: FaultyMailServer) -> [String] {
        let spool = mail.directory + "/spool"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: spool)) ?? []).filter { !$0.hasPrefix(".") }
        return names.sorted { (Int($0.filter(\.isNumber)) ?? 0) < (Int($1.filter(\.isNumber)) ?? 0) }.compactMap {
            name in
            guard let text = try? String(contentsOfFile: spool + "/" + name, encoding: .utf8),
                text.contains("@alerts.bitaqa>"), text.contains("ops@shop.dz")
            else { return nil }
            return text.split(separator: "\r\n").first { $0.hasPrefix("Subject: ") }.map {
                String($0.dropFirst("Subject: ".count))
            }
        }
    }

    static func startSandbox(_ directory: TemporaryDirectory, port: Int) async throws -> BitaqaProcess.Running {
        let sandbox = try BitaqaProcess.start(
            ["sandbox", "--port", "\(port)"], workingDirectory: directory.path,
            environment: [
                "BITAQA_DATA_DIR": directory.path, "ONECLICKDZ_API_KEY": PipelineProcessTests.sandboxKey,
                "BITAQA_SANDBOX_RESOLVE_MIN": "0.1", "BITAQA_SANDBOX_RESOLVE_MAX": "0.2",
                "BITAQA_SANDBOX_BALANCE": "3000",
            ])
        for _ in 0..<200 {
            if (try? HTTPProbe.request("GET", "http://127.0.0.1:\(port)/v3/validate").0) == 401 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        return sandbox
    }

    @Test("low balance, a failed card email and its fix by resend, the upstream down and back: one email each way")
    func alerts() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (location, drop) = try await TestDatabase.sqlite.makeLocation(in: directory)
        let mail = try await FaultyMailServer.start(in: directory)
        defer { mail.stop() }
        try mail.set(mode: "accept", reject: ["bounce@shop.dz"])
        let sandboxPort = try FreePort.find()
        var sandbox = try await Self.startSandbox(directory, port: sandboxPort)
        defer { sandbox.terminateIfRunning() }
        var environment = PipelineProcessTests.serverEnvironment(
            directory, database: TestDatabase.url(of: location), sandbox: "http://127.0.0.1:\(sandboxPort)")
        environment.merge(mail.environment) { $1 }
        environment.merge([
            "BITAQA_ALERT_EMAIL": "ops@shop.dz", "BITAQA_ALERT_LOCALE": "en", "BITAQA_ALERT_REPEAT": "0.5",
            "BITAQA_ALERT_CHECK_INTERVAL": "0.2", "BITAQA_ALERT_UPSTREAM_DOWN_AFTER": "1",
            "BITAQA_BALANCE_REFRESH": "0.2",
            "BITAQA_BALANCE_ALERT_BELOW": "5000", "BITAQA_DELIVERY_MAX_ATTEMPTS": "1",
            // A killed sandbox's port may not refuse at once: give up on it quickly.
            "ONECLICKDZ_CONNECT_TIMEOUT": "0.5", "ONECLICKDZ_TIMEOUT": "1",
        ]) { $1 }
        let server = try await ServerProcess.start(directory: directory.path, environment: environment)
        func wait(for subjects: [String]) async throws -> Bool {
            try await WebhookProcessTests.waitFor(.seconds(30)) { Self.alertSubjects(mail) == subjects }
        }
        var expected = ["[Bitaqa] OneClickDz balance low"]
        guard try await wait(for: expected) else {
            Issue.record("no low-balance alert: \(Self.alertSubjects(mail)); \(server.stop().suffix(3000))")
            await drop()
            return
        }

        let bounced = try #require(try Reliability.place(server, index: 1, email: "bounce@shop.dz", phone: nil))
        expected.append("[Bitaqa] A card delivery failed")
        #expect(try await wait(for: expected), "\(Self.alertSubjects(mail))")
        let admin = ["Authorization": "Bearer \(PipelineProcessTests.adminToken)", "Content-Type": "application/json"]
        let (patched, _) = try HTTPProbe.request(
            "PATCH", server.base + "/v1/orders/\(bounced)", headers: admin, body: #"{"email":"fixed@shop.dz"}"#)
        #expect(patched == 200)
        let (resent, _) = try HTTPProbe.request(
            "POST", server.base + "/v1/orders/\(bounced)/resend", headers: admin, body: #"{"channel":"email"}"#)
        #expect(resent == 202)
        expected.append("[Bitaqa] Card deliveries recovered")
        #expect(try await wait(for: expected), "\(Self.alertSubjects(mail))")

        sandbox.terminateIfRunning()
        expected.append("[Bitaqa] OneClickDz is not answering")
        #expect(try await wait(for: expected), "\(Self.alertSubjects(mail))")
        sandbox = try await Self.startSandbox(directory, port: sandboxPort)
        expected.append("[Bitaqa] OneClickDz answers again")
        #expect(try await wait(for: expected), "\(Self.alertSubjects(mail))")
        // Nothing more: no repeat while nothing changes.
        try await Task.sleep(for: .seconds(1.5))
        #expect(Self.alertSubjects(mail) == expected)
        _ = server.stop()
        await drop()
    }
}
