import BitaqaCore
import BitaqaTestSupport
import Foundation
import Orders
import Storage
import Testing

@Suite("bitaqa audit")
struct AuditCommandTests {
    static let adminToken = "audit-cli-admin-token-0001"

    @Test(
        "serve writes checkpoints; verify passes, then catches removed newest events; export filters",
        arguments: TestDatabase.available)
    func lifecycle(database: TestDatabase) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (location, drop) = try await database.makeLocation(in: directory)
        let environment = [
            "BITAQA_DATA_DIR": directory.path, "BITAQA_DATABASE_URL": TestDatabase.url(of: location),
            "BITAQA_ADMIN_TOKEN": Self.adminToken, "ENCRYPTION_KEY": String(repeating: "5e", count: 32),
            "BITAQA_AUDIT_CHECKPOINT_INTERVAL": "0.1",
        ]
        let server = try await ServerProcess.start(directory: directory.path, environment: environment)
        for index in 0..<6 {
            let (status, _) = try HTTPProbe.request(
                "POST", server.base + "/v1/orders",
                headers: ["Authorization": "Bearer \(Self.adminToken)", "Content-Type": "application/json"],
                body: #"{"topupId":"cli-\#(index)","userId":"u-\#(index % 2)"}"#
            )
            #expect(status == 201)
        }
        try await Task.sleep(for: .milliseconds(400))
        let log = server.stop()
        #expect(log.contains("audit checkpoint"))
        let checkpoint = try String(contentsOfFile: directory.path + "/audit-checkpoint.json", encoding: .utf8)
        #expect(checkpoint.contains("\"sequence\":6"))

        let verified = try BitaqaProcess.run(["audit", "verify"], environment: environment)
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(verified.stdout == "audit OK: 6 events\n")

        let export = try BitaqaProcess.run(["audit", "export", "--order", "cli-3"], environment: environment)
        #expect(export.status == 0)
        let lines = export.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        let event = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
        #expect(event?["kind"] as? String == "ORDER_REGISTERED")
        #expect(event?["topupId"] as? String == "cli-3")
        let all = try BitaqaProcess.run(
            ["audit", "export", "--from", "2000-01-01", "--to", "2999-01-01"], environment: environment)
        #expect(all.stdout.split(separator: "\n").count == 6)
        let none = try BitaqaProcess.run(["audit", "export", "--to", "2000-01-01"], environment: environment)
        #expect(none.stdout.isEmpty)
        #expect(
            try BitaqaProcess.run(["audit", "export", "--from", "yesterday"], environment: environment).status == 2)

        // Someone with database access removes the two newest events.
        let store = try await Store.open(location, logger: TestDatabase.quietLogger)
        try await AuditTampering.disableGuards(store)
        try await store.sql.raw("DELETE FROM audit_events WHERE seq > 4").run()
        await store.shutdown()
        let broken = try BitaqaProcess.run(["audit", "verify"], environment: environment)
        #expect(broken.status == 1)
        #expect(broken.stdout.hasPrefix("audit BROKEN at event 5: "))
        await drop()
    }

    @Test("a forged checkpoint file is reported as broken")
    func forgedCheckpoint() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let environment = ["BITAQA_DATA_DIR": directory.path]
        let forged =
            #"{"at":1,"hash":"\#(String(repeating: "0", count: 64))","keyID":"0011223344556677","mac":"\#(String(repeating: "ab", count: 32))","sequence":3}"#
        try forged.write(toFile: directory.path + "/audit-checkpoint.json", atomically: true, encoding: .utf8)
        let result = try BitaqaProcess.run(["audit", "verify"], environment: environment)
        #expect(result.status == 1)
        #expect(result.stdout.contains("audit BROKEN at event 3: the checkpoint's signature is invalid"))
    }

    @Test("two serve processes on one PostgreSQL database append to one chain")
    func twoProcesses() async throws {
        guard TestDatabase.available.contains(.postgres) else { return }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (location, drop) = try await TestDatabase.postgres.makeLocation(in: directory)
        let environment = [
            "BITAQA_DATA_DIR": directory.path, "BITAQA_DATABASE_URL": TestDatabase.url(of: location),
            "BITAQA_ADMIN_TOKEN": Self.adminToken, "ENCRYPTION_KEY": String(repeating: "6f", count: 32),
        ]
        let first = try await ServerProcess.start(directory: directory.path, environment: environment)
        let second = try await ServerProcess.start(directory: directory.path, environment: environment)
        try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<60 {
                let server = index % 2 == 0 ? first : second
                group.addTask {
                    try HTTPProbe.request(
                        "POST", server.base + "/v1/orders",
                        headers: ["Authorization": "Bearer \(Self.adminToken)", "Content-Type": "application/json"],
                        body: #"{"topupId":"pp-\#(index)","userId":"u"}"#
                    ).0
                }
            }
            for try await status in group { #expect(status == 201) }
        }
        _ = first.stop()
        _ = second.stop()
        let verified = try BitaqaProcess.run(["audit", "verify"], environment: environment)
        #expect(verified.stdout == "audit OK: 60 events\n", "\(verified.stderr)")
        #expect(verified.stderr.contains("of 60 events checked (100%"), "progress: \(verified.stderr)")
        #expect(verified.stderr.contains("verified 60 events in "))
        await drop()
    }
}
