import Audit
import BitaqaCore
import BitaqaTestSupport
import CardVault
import CoreMetrics
import Foundation
import Orders
import Storage
import Testing

@Suite("Alert conditions")
struct AlertTests {
    static let keys = AlertEmailKeys(ring: try! KeyRing(keys: [SecretBytes(Array(repeating: 0x3a, count: 32))]))

    @Test(
        "a condition emails once when it starts and at once when it clears; a new start waits for the repeat window",
        arguments: TestDatabase.available)
    func repeatWindow(database: TestDatabase) async throws {
        try await database.withStore { store, _ in
            let clock = ManualClock()
            let context = DomainContext(store: store, time: clock.source)
            let settings = AlertSettings(recipients: ["ops@shop.dz"], repeatEvery: .seconds(3_600))
            let monitor = AlertMonitor(
                context: context, settings: settings, account: nil, audit: nil, keys: Self.keys,
                logger: TestDatabase.quietLogger, factory: NOOPMetricsHandler.instance)
            #expect(try await monitor.evaluate().isEmpty, "nothing holds")
            _ = try await SQLOrderRepository(store: store).register(
                NewOrder(topupId: TopupID("late")!, userId: UserID("u")!, locale: .fr, channels: [], fingerprint: "f"),
                now: clock.now - 11 * 60_000, firstCheckAt: clock.now)
            #expect(try await monitor.evaluate() == [.ordersStuck])
            #expect(try await monitor.evaluate().isEmpty, "once per start")
            try await store.sql.raw("UPDATE orders SET status = 'FULFILLED' WHERE topup_id = 'late'").run()
            clock.advance(seconds: 60)
            #expect(try await monitor.evaluate() == [.ordersStuck], "the clear is sent at the next evaluation")
            #expect(try await monitor.evaluate().isEmpty)
            try await store.sql.raw("UPDATE orders SET status = 'HANDLING' WHERE topup_id = 'late'").run()
            clock.advance(seconds: 60)
            #expect(try await monitor.evaluate().isEmpty, "a new start within the window waits for it")
            clock.advance(seconds: 3_600)
            #expect(try await monitor.evaluate() == [.ordersStuck], "then it is sent")
            #expect(try await monitor.evaluate().isEmpty)
            let emails = try await store.sql.raw(
                "SELECT condition_name, active FROM alert_emails ORDER BY created_at"
            ).all().map {
                (
                    try $0.decode(column: "condition_name", as: String.self),
                    try $0.decode(column: "active", as: Int.self)
                )
            }
            #expect(emails.map(\.0) == Array(repeating: "orders_stuck", count: 3) && emails.map(\.1) == [1, 0, 1])
        }
    }

    @Test("the audit self-check finds an event changed after the checkpoint, and nothing in an intact trail")
    func auditSelfCheck() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try await TestDatabase.sqlite.withStore { store, _ in
            let ring = try KeyRing(keys: [SecretBytes.random(count: 32)])
            let trail = AuditTrail(store: store, keys: AuditKeys(ring: ring))
            for index in 0..<5 {
                try await trail.append(AuditEvent(.orderRegistered, actor: "test-\(index)"), now: Int64(index))
            }
            let file = CheckpointFile(path: directory.path + "/checkpoint.json")
            let writer = CheckpointWriter(
                trail: trail, keys: CheckpointKeys(ring: ring), file: file, copy: nil,
                logger: TestDatabase.quietLogger, time: .system)
            _ = try await writer.writeIfMoved(since: 0)
            try await trail.append(AuditEvent(.orderRegistered, actor: "after"), now: 6)
            let check = AuditSelfCheck(trail: trail, file: file, keys: CheckpointKeys(ring: ring))
            let context = DomainContext(store: store, trail: trail)
            let monitor = AlertMonitor(
                context: context, settings: AlertSettings(recipients: ["ops@shop.dz"]), account: nil, audit: check,
                keys: Self.keys, logger: TestDatabase.quietLogger, factory: NOOPMetricsHandler.instance)
            #expect(try await monitor.evaluate(auditProblem: await check.problem()).isEmpty)
            try await AuditTampering.disableGuards(store)
            try await store.sql.raw("UPDATE audit_events SET actor = 'someone-else' WHERE seq = 6").run()
            let problem = await check.problem()
            #expect(problem?.contains("event 6") == true, "\(problem ?? "none")")
            #expect(try await monitor.evaluate(auditProblem: problem) == [.auditBroken])
        }
    }

    @Test("MACs stripped after the checkpoint: the self-check says so, and the writer signs nothing over them")
    func strippedMACs() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try await TestDatabase.sqlite.withStore { store, _ in
            let ring = try KeyRing(keys: [SecretBytes.random(count: 32)])
            let trail = AuditTrail(store: store, keys: AuditKeys(ring: ring))
            for index in 0..<3 {
                try await trail.append(AuditEvent(.orderRegistered, actor: "test-\(index)"), now: Int64(index))
            }
            let file = CheckpointFile(path: directory.path + "/checkpoint.json")
            let writer = CheckpointWriter(
                trail: trail, keys: CheckpointKeys(ring: ring), file: file, copy: nil,
                logger: TestDatabase.quietLogger, time: .system)
            #expect(try await writer.writeIfMoved(since: 0) == 3)
            #expect(try file.read()?.keyedFrom == 1)
            try await trail.append(AuditEvent(.orderRegistered, actor: "after"), now: 4)
            let check = AuditSelfCheck(trail: trail, file: file, keys: CheckpointKeys(ring: ring))
            #expect(await check.problem() == nil)
            try await AuditTampering.disableGuards(store)
            try await store.sql.raw("UPDATE audit_events SET mac = NULL, mac_key_id = NULL").run()
            let problem = await check.problem()
            #expect(problem?.contains("keyed era") == true, "\(problem ?? "none")")
            await #expect(throws: CheckpointWriter.Refused.self) { try await writer.writeIfMoved(since: 3) }
            #expect(try file.read()?.sequence == 3, "the file still holds the last checkpoint over an intact trail")
        }
    }
}
