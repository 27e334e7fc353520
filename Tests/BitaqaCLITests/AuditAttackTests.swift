import BitaqaCore
import BitaqaTestSupport
import Crypto
import Foundation
import Orders
import SQLKit
import Storage
import Testing

/// Attacks on the audit trail by someone who can write the database (and the checkpoint file) but holds
/// no key: each must end in `audit BROKEN at event N: …` with exit 1.
@Suite("bitaqa audit under attack")
struct AuditAttackTests {
    static let adminToken = "audit-attack-admin-token-01"
    static let key = String(repeating: "6d", count: 32)

    /// A server that registered `count` orders, stopped, with its checkpoint written.
    static func populated(_ database: TestDatabase, _ directory: TemporaryDirectory, count: Int, copy: Bool = false)
        async throws -> (DatabaseLocation, [String: String], @Sendable () async -> Void)
    {
        let (location, drop) = try await database.makeLocation(in: directory)
        var environment = [
            "BITAQA_DATA_DIR": directory.path, "BITAQA_DATABASE_URL": TestDatabase.url(of: location),
            "BITAQA_ADMIN_TOKEN": Self.adminToken, "ENCRYPTION_KEY": Self.key,
            "BITAQA_AUDIT_CHECKPOINT_INTERVAL": "0.1",
        ]
        if copy { environment["BITAQA_AUDIT_CHECKPOINT_COPY"] = directory.path + "/elsewhere/checkpoint.json" }
        let server = try await ServerProcess.start(directory: directory.path, environment: environment)
        for index in 0..<count {
            let (status, _) = try HTTPProbe.request(
                "POST", server.base + "/v1/orders",
                headers: ["Authorization": "Bearer \(Self.adminToken)", "Content-Type": "application/json"],
                body: #"{"topupId":"atk-\#(index)","userId":"u-\#(index)"}"#
            )
            #expect(status == 201)
        }
        try await Task.sleep(for: .milliseconds(400))
        _ = server.stop()
        return (location, environment, drop)
    }

    static func expectBroken(
        _ environment: [String: String], _ extra: [String] = [], at sequence: Int, containing fragment: String
    )
        throws
    {
        let result = try BitaqaProcess.run(["audit", "verify"] + extra, environment: environment)
        #expect(result.status == 1, "\(result.stdout) \(result.stderr.suffix(500))")
        #expect(result.stdout.hasPrefix("audit BROKEN at event \(sequence):"), "\(result.stdout)")
        #expect(result.stdout.contains(fragment), "\(result.stdout)")
    }

    @Test(
        "newest events removed and an older signed checkpoint put back: caught by a second copy and by --min-events",
        arguments: TestDatabase.available)
    func checkpointRollback(database: TestDatabase) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (location, environment, drop) = try await Self.populated(database, directory, count: 3, copy: true)
        let older = try Data(contentsOf: URL(fileURLWithPath: directory.path + "/audit-checkpoint.json"))
        // Three more events, checkpointed.
        let server = try await ServerProcess.start(directory: directory.path, environment: environment)
        for index in 3..<6 {
            _ = try HTTPProbe.request(
                "POST", server.base + "/v1/orders",
                headers: ["Authorization": "Bearer \(Self.adminToken)", "Content-Type": "application/json"],
                body: #"{"topupId":"atk-\#(index)","userId":"u-\#(index)"}"#)
        }
        try await Task.sleep(for: .milliseconds(400))
        _ = server.stop()
        #expect(try BitaqaProcess.run(["audit", "verify"], environment: environment).status == 0)

        // The attack: delete the newest events and roll the checkpoint file back to the older one.
        let store = try await Store.open(location, logger: TestDatabase.quietLogger)
        try await AuditTampering.disableGuards(store)
        try await store.sql.raw("DELETE FROM audit_events WHERE seq > 3").run()
        await store.shutdown()
        try older.write(to: URL(fileURLWithPath: directory.path + "/audit-checkpoint.json"))
        // Without the copy, the rolled-back file alone would pass; the copy still holds the newer one.
        try Self.expectBroken(environment, at: 4, containing: "missing")
        var withoutCopy = environment
        withoutCopy["BITAQA_AUDIT_CHECKPOINT_COPY"] = nil
        #expect(
            try BitaqaProcess.run(["audit", "verify"], environment: withoutCopy).status == 0,
            "the old weakness, kept as a control")
        try Self.expectBroken(withoutCopy, ["--min-events", "6"], at: 4, containing: "at least 6")
        await drop()
    }

    @Test(
        "an event rewritten after the checkpoint, its SHA-256 chain recomputed: the MAC does not match",
        arguments: TestDatabase.available)
    func rewriteAfterCheckpoint(database: TestDatabase) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (location, environment, drop) = try await Self.populated(database, directory, count: 4)
        try FileManager.default.removeItem(atPath: directory.path + "/audit-checkpoint.json")
        let store = try await Store.open(location, logger: TestDatabase.quietLogger)
        try await AuditTampering.disableGuards(store)
        // Rewrite event 3's actor and recompute every hash from it on, as plain SHA-256 would allow.
        let rows = try await store.sql.raw(
            "SELECT seq, at, kind, topup_id, actor, request_id, details FROM audit_events ORDER BY seq"
        ).all()
        var previous =
            try rows[1].decode(column: "seq", as: Int64.self) == 2
            ? try await store.sql.raw("SELECT hash FROM audit_events WHERE seq = 2").first()?.decode(
                column: "hash", as: String.self) ?? ""
            : ""
        for row in rows.dropFirst(2) {
            let sequence = try row.decode(column: "seq", as: Int64.self)
            func text(_ column: String) throws -> String {
                try row.decodeNil(column: column) ? "" : row.decode(column: column, as: String.self)
            }
            let actor = sequence == 3 ? "someone-else" : try text("actor")
            let fields = [
                previous, String(sequence), String(try row.decode(column: "at", as: Int64.self)), try text("kind"),
                try text("topup_id"), actor, try text("request_id"), try text("details"),
            ]
            var hasher = SHA256()
            for field in fields {
                let bytes = Array(field.utf8)
                hasher.update(data: Array("\(bytes.count):".utf8))
                hasher.update(data: bytes)
            }
            let hash = hasher.finalize().map { String(format: "%02x", $0) }.joined()
            try await store.sql.raw(
                "UPDATE audit_events SET actor = \(bind: actor), prev_hash = \(bind: previous), hash = \(bind: hash) WHERE seq = \(bind: sequence)"
            ).run()
            previous = hash
        }
        await store.shutdown()
        try Self.expectBroken(environment, at: 3, containing: "MAC")
        await drop()
    }

    @Test(
        "every MAC stripped, the hash chain kept: the signed keyed era catches it, and serve signs no checkpoint over it",
        arguments: TestDatabase.available)
    func stripEveryMAC(database: TestDatabase) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (location, environment, drop) = try await Self.populated(database, directory, count: 3)
        let file = directory.path + "/audit-checkpoint.json"
        let signed =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [String: Any]
        #expect(signed?["keyedFrom"] as? Int == 1, "the checkpoint signs where the keyed era starts: \(signed ?? [:])")
        let store = try await Store.open(location, logger: TestDatabase.quietLogger)
        try await AuditTampering.disableGuards(store)
        try await store.sql.raw("UPDATE audit_events SET mac = NULL, mac_key_id = NULL").run()
        try Self.expectBroken(environment, at: 1, containing: "keyed era")

        // A running serve verifies before it signs: the next checkpoint is refused and the file stays.
        let before = try Data(contentsOf: URL(fileURLWithPath: file))
        let server = try await ServerProcess.start(directory: directory.path, environment: environment)
        _ = try HTTPProbe.request(
            "POST", server.base + "/v1/orders",
            headers: ["Authorization": "Bearer \(Self.adminToken)", "Content-Type": "application/json"],
            body: #"{"topupId":"atk-late","userId":"u-late"}"#)
        try await Task.sleep(for: .milliseconds(600))
        let log = server.stop()
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: file)) == before, "a checkpoint was signed over a stripped trail")
        #expect(log.contains("audit trail broken: no checkpoint signed"), "\(log.suffix(1_500))")
        await store.shutdown()
        await drop()
    }

    @Test("a row that no longer decodes is reported as broken, not as a crash", arguments: TestDatabase.available)
    func undecodableRow(database: TestDatabase) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (location, environment, drop) = try await Self.populated(database, directory, count: 3)
        let store = try await Store.open(location, logger: TestDatabase.quietLogger)
        try await AuditTampering.disableGuards(store)
        try await store.sql.raw("UPDATE audit_events SET kind = 'NOT_A_KIND' WHERE seq = 2").run()
        await store.shutdown()
        try Self.expectBroken(environment, at: 2, containing: "does not decode")
        await drop()
    }

    @Test(
        "after keys rotate, the old key can leave the ring: older events verify through the newer ones",
        arguments: TestDatabase.available)
    func retiredKey(database: TestDatabase) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (_, environment, drop) = try await Self.populated(database, directory, count: 3)
        let newKey = String(repeating: "7e", count: 32)
        // Before any event under the new key, the old key's events cannot be vouched for without it.
        let checkpointPath = directory.path + "/audit-checkpoint.json"
        let signedByOld = try Data(contentsOf: URL(fileURLWithPath: checkpointPath))
        try FileManager.default.removeItem(atPath: checkpointPath)
        var newOnly = environment
        newOnly["ENCRYPTION_KEY"] = newKey
        try Self.expectBroken(newOnly, at: 1, containing: "no longer in the ring")
        try signedByOld.write(to: URL(fileURLWithPath: checkpointPath))
        // Rotation writes KEY_ROTATED (and a checkpoint) under the new key; then the old key may go.
        var rotating = environment
        rotating["ENCRYPTION_KEY"] = nil
        rotating["BITAQA_ENCRYPTION_KEYS"] = newKey + "," + Self.key
        let rotation = try BitaqaProcess.run(["keys", "rotate"], environment: rotating)
        #expect(rotation.status == 0, "\(rotation.stdout) \(rotation.stderr.suffix(400))")
        let result = try BitaqaProcess.run(["audit", "verify"], environment: newOnly)
        #expect(result.status == 0, "\(result.stdout) \(result.stderr.suffix(400))")
        await drop()
    }
}
