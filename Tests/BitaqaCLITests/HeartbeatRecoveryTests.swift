import BitaqaTestSupport
import Foundation
import Orders
import SQLKit
import Storage
import Testing

/// Issue 21: a process that dies (or freezes) while it holds work gives the work back within seconds,
/// through the heartbeats, instead of after its leases (60 s for checks, 120 s for deliveries, the
/// defaults kept here). The mail server takes 0.1 s a message, so a burst is still in flight at the kill.
@Suite("Reliability: heartbeats")
struct HeartbeatRecoveryTests {
    struct Rig {
        let directory: TemporaryDirectory
        let location: DatabaseLocation
        let drop: @Sendable () async -> Void
        let sandbox: BitaqaProcess.Running
        let mail: FaultyMailServer
        let environment: [String: String]

        static func start(_ database: TestDatabase) async throws -> Rig {
            let directory = try TemporaryDirectory()
            let (location, drop) = try await database.makeLocation(in: directory)
            let (sandbox, sandboxURL) = try await PipelineProcessTests.startSandbox(directory, resolve: (0.5, 1.5))
            let mail = try await FaultyMailServer.start(in: directory)
            try mail.set(mode: "accept", delay: 0.1)
            var environment = PipelineProcessTests.serverEnvironment(
                directory, database: TestDatabase.url(of: location), sandbox: sandboxURL)
            environment.removeValue(forKey: "BITAQA_LEASE_SECONDS")
            environment.merge(mail.environment) { $1 }
            environment["BITAQA_UPSTREAM_RATE_LIMIT"] = "200"
            environment["BITAQA_LOG_LEVEL"] = "info"
            return Rig(
                directory: directory, location: location, drop: drop, sandbox: sandbox, mail: mail,
                environment: environment)
        }

        func stop() async {
            mail.stop()
            sandbox.terminateIfRunning()
            await drop()
            directory.remove()
        }

        /// Deliveries in state `delivered`, both channels.
        func delivered(_ store: Store) async throws -> Int {
            try await Reliability.deliveryStates(store)["delivered"] ?? 0
        }

        /// Emails the mail server accepted more than once.
        var duplicates: Int { mail.accepted().values.filter { $0 > 1 }.count }
    }

    @Test(
        "SIGKILL after about 10 of 40 emails, restarted at once: every card delivered within 15 s of the restart",
        arguments: TestDatabase.available)
    func killAndRestart(database: TestDatabase) async throws {
        let rig = try await Rig.start(database)
        var server = try await ServerProcess.start(directory: rig.directory.path, environment: rig.environment)
        let ids = try await Reliability.placeAll(40, on: [server])
        #expect(ids.count == 40)
        let reached = try await Reliability.waitUntil(.seconds(60)) { rig.mail.accepted().count >= 10 }
        #expect(reached, "the burst did not start")
        _ = server.stop(signal: SIGKILL, grace: .seconds(10))
        let restarted = ContinuousClock.now
        server = try await ServerProcess.start(directory: rig.directory.path, environment: rig.environment)
        let store = try await Store.open(rig.location, logger: TestDatabase.quietLogger)
        let done = try await Reliability.waitUntil(.seconds(60)) { try await rig.delivered(store) == 80 }
        let elapsed = ContinuousClock.now - restarted
        let states = try await Reliability.deliveryStates(store)
        await store.shutdown()
        let metrics = try HTTPProbe.request(
            "GET", server.base + "/metrics", headers: ["Authorization": "Bearer \(PipelineProcessTests.adminToken)"]
        ).1
        let log = server.stop()
        // The killed process's row was reaped by the restarted one, whose graceful stop removed its own.
        let after = try await Store.open(rig.location, logger: TestDatabase.quietLogger)
        let rows = try await after.sql.raw("SELECT COUNT(*) AS n FROM workers").first()?.decode(
            column: "n", as: Int.self)
        await after.shutdown()
        #expect(rows == 0, "heartbeat rows left after a graceful stop: \(rows ?? -1)")
        #expect(done, "deliveries by state: \(states)")
        #expect(elapsed < .seconds(15), "last card \(elapsed) after the restart")
        #expect(rig.duplicates <= 8, "emails accepted twice: \(rig.duplicates)")
        #expect(log.contains("took back the claims of stopped workers"))
        #expect(metrics.contains("bitaqa_workers_live 1"))
        let reclaimed = metrics.split(separator: "\n").first { $0.hasPrefix("bitaqa_claims_reclaimed_total ") }
        #expect((reclaimed?.split(separator: " ").last.flatMap { Double($0) } ?? 0) >= 1, "\(reclaimed ?? "none")")
        print(
            "heartbeat crash (\(database)): last card \(elapsed) after the restart; \(rig.duplicates) duplicate emails")
        await rig.stop()
    }

    @Test("three processes on PostgreSQL, one SIGKILLed mid-burst: the other two finish its work within 15 s")
    func killOneOfThree() async throws {
        guard TestDatabase.available.contains(.postgres) else { return }
        let rig = try await Rig.start(.postgres)
        var servers: [ServerProcess] = []
        for _ in 0..<3 {
            servers.append(try await ServerProcess.start(directory: rig.directory.path, environment: rig.environment))
        }
        let ids = try await Reliability.placeAll(60, on: servers)
        #expect(ids.count == 60)
        let reached = try await Reliability.waitUntil(.seconds(60)) { rig.mail.accepted().count >= 15 }
        #expect(reached, "the burst did not start")
        _ = servers[0].stop(signal: SIGKILL, grace: .seconds(10))
        let killed = ContinuousClock.now
        let store = try await Store.open(rig.location, logger: TestDatabase.quietLogger)
        let done = try await Reliability.waitUntil(.seconds(60)) { try await rig.delivered(store) == 120 }
        let elapsed = ContinuousClock.now - killed
        await store.shutdown()
        for server in servers.dropFirst() { _ = server.stop() }
        #expect(done)
        #expect(elapsed < .seconds(15), "last card \(elapsed) after the kill")
        #expect(rig.duplicates <= 8, "emails accepted twice: \(rig.duplicates)")
        print("heartbeat scale-out: last card \(elapsed) after the kill; \(rig.duplicates) duplicate emails")
        await rig.stop()
    }

    @Test(
        "a process frozen 20 s (SIGSTOP) loses its claims to the other, and once resumed sends nothing it lost",
        arguments: TestDatabase.available)
    func frozen(database: TestDatabase) async throws {
        let rig = try await Rig.start(database)
        let frozen = try await ServerProcess.start(directory: rig.directory.path, environment: rig.environment)
        let ids = try await Reliability.placeAll(40, on: [frozen])
        #expect(ids.count == 40)
        // The second process starts once the first is busy, so the first holds most of the work.
        let reached = try await Reliability.waitUntil(.seconds(60)) { rig.mail.accepted().count >= 8 }
        #expect(reached, "the burst did not start")
        let other = try await ServerProcess.start(directory: rig.directory.path, environment: rig.environment)
        let pid = frozen.running.process.processIdentifier
        kill(pid, SIGSTOP)
        let stopped = ContinuousClock.now
        let store = try await Store.open(rig.location, logger: TestDatabase.quietLogger)
        // SQLite's write lock belongs to the process: frozen while holding it, no one else can write
        // (README, "Frozen while writing"). Then only the resumed process's behaviour can be checked.
        var fileHeld = false
        if store.kind == .sqlite { fileHeld = (try? await store.transaction { _ in }) == nil }
        var done = false
        if !fileHeld { done = try await Reliability.waitUntil(.seconds(19)) { try await rig.delivered(store) == 80 } }
        let elapsed = ContinuousClock.now - stopped
        let sessions = done ? "" : try await Reliability.sessions(store)
        let acceptedWhileFrozen = rig.mail.accepted().values.reduce(0, +)
        try await Task.sleep(until: stopped + .seconds(20))
        kill(pid, SIGCONT)
        let resumed = ContinuousClock.now
        let doneAfter = try await Reliability.waitUntil(.seconds(15)) { try await rig.delivered(store) == 80 }
        let finishedAfterResume = ContinuousClock.now - resumed
        // Give the resumed process time to act on what it held before the freeze.
        try await Task.sleep(until: resumed + .seconds(5))
        let acceptedAfter = rig.mail.accepted().values.reduce(0, +)
        let states = try await Reliability.deliveryStates(store)
        await store.shutdown()
        let frozenLog = frozen.stop()
        let otherLog = other.stop()
        if fileHeld {
            #expect(doneAfter, "every card delivered within 15 s of SIGCONT: \(states)")
        } else {
            let warnings = otherLog.split(separator: "\n").filter { $0.contains("warning") || $0.contains("error") }
            #expect(
                done,
                """
                the other process finished the frozen one's work while it was frozen: \(states)
                sessions at the deadline: \(sessions)
                the other's warnings: \(warnings.prefix(20))
                """)
            #expect(frozenLog.contains("taken for dead"), "the resumed process learnt it had lost its claims")
            // Resumed, it may finish only the sends already in progress at the freeze (the DATA window).
            #expect(
                acceptedAfter - acceptedWhileFrozen <= 8, "sent after resuming: \(acceptedAfter - acceptedWhileFrozen)")
        }
        #expect(rig.duplicates <= 8, "emails accepted twice: \(rig.duplicates)")
        // Only deliveries already in hand when a process's heartbeat lapsed meet the fence: a lapsed process
        // claims nothing until its next beat (it once released and reclaimed the same one in a hot loop).
        for (name, log) in [("frozen", frozenLog), ("other", otherLog)] {
            let fenced = log.split(separator: "\n").filter { $0.contains("missed its heartbeats") }.count
            #expect(fenced <= 16, "deliveries the \(name) process fenced for its lapsed heartbeat: \(fenced)")
        }
        print(
            fileHeld
                ? "heartbeat freeze (\(database)): frozen holding the SQLite write lock; all delivered "
                    + "\(finishedAfterResume) after SIGCONT; \(rig.duplicates) duplicate emails"
                : "heartbeat freeze (\(database)): work taken over \(elapsed) after SIGSTOP; "
                    + "\(acceptedAfter - acceptedWhileFrozen) sends after SIGCONT; \(rig.duplicates) duplicate emails")
        await rig.stop()
    }
}
