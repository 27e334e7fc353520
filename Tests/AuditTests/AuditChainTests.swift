import Audit
import BitaqaCore
import BitaqaTestSupport
import Crypto
import Foundation
import SQLKit
import Storage
import Testing

@Suite("Audit chain")
struct AuditChainTests {
    static let keys = CheckpointKeys([("k1", SymmetricKey(size: .bits256))])

    static func fill(_ store: Store, count: Int) async throws -> AuditTrail {
        let trail = AuditTrail(store: store, keys: nil)
        for index in 0..<count {
            try await trail.append(
                AuditEvent(
                    index % 3 == 0 ? .orderRegistered : .statusChanged, topupId: TopupID("t-\(index % 17)"),
                    actor: "test", requestID: "r-\(index)", details: ["n": String(index), "note": "é \"quoted\""]
                ),
                now: Int64(1_700_000_000_000 + index)
            )
        }
        return trail
    }

    @Test(
        "group commit: 300 concurrent appends all commit, each once, and the chain verifies",
        arguments: TestDatabase.available)
    func batched(database: TestDatabase) async throws {
        try await database.withStore { store, _ in
            let trail = AuditTrail(store: store, keys: nil)
            let batcher = AuditBatcher(trail: trail, maxBatch: 32)
            try await Self.running(batcher) {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for index in 0..<300 {
                        group.addTask {
                            try await batcher.append(
                                AuditEvent(
                                    .cardViewed, topupId: TopupID("t-\(index % 11)"), actor: "u\(index)",
                                    requestID: "r-\(index)"),
                                now: Int64(1_700_000_000_000 + index)
                            )
                        }
                    }
                    try await group.waitForAll()
                }
            }
            let outcome = try await AuditVerifier(trail: trail, pageSize: 100).verify()
            guard case .intact(let count, _) = outcome else {
                Issue.record("expected intact, got \(outcome)")
                return
            }
            #expect(count == 300)
            let requests = try await trail.events(after: 0, limit: 1_000).compactMap(\.event.requestID)
            #expect(Set(requests).count == 300)
        }
    }

    @Test(
        "a batcher that knows the head and another pool appending in transactions never break each other",
        arguments: TestDatabase.available)
    func batcherBesideOtherWriters(database: TestDatabase) async throws {
        try await database.withStore { store, location in
            let trail = AuditTrail(store: store, keys: nil)
            let batcher = AuditBatcher(trail: trail, maxBatch: 16)
            // A second pool stands for another process (or the tracker) appending the usual way.
            let other = try await Store.open(location, logger: TestDatabase.quietLogger)
            let otherTrail = AuditTrail(store: other, keys: nil)
            do {
                try await Self.running(batcher) {
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for index in 0..<200 {
                            group.addTask {
                                try await batcher.append(
                                    AuditEvent(
                                        .cardViewed, topupId: TopupID("v-\(index % 7)"), requestID: "b-\(index)"),
                                    now: Int64(index))
                            }
                            if index % 2 == 0 {
                                group.addTask {
                                    try await otherTrail.append(
                                        AuditEvent(
                                            .statusChanged, topupId: TopupID("s-\(index)"), requestID: "o-\(index)"),
                                        now: Int64(index))
                                }
                            }
                        }
                        try await group.waitForAll()
                    }
                }
            } catch {
                await other.shutdown()
                throw error
            }
            await other.shutdown()
            let outcome = try await AuditVerifier(trail: trail, pageSize: 100).verify()
            guard case .intact(let count, _) = outcome else {
                Issue.record("expected intact, got \(outcome)")
                return
            }
            #expect(count == 300)
        }
    }

    @Test(
        "a failed group commit fails every caller in it, and nothing is half written", arguments: TestDatabase.available
    )
    func batchFailure(database: TestDatabase) async throws {
        try await database.withStore { store, _ in
            let trail = AuditTrail(store: store, keys: nil)
            try await store.sql.raw("DROP TABLE audit_events").run()
            let batcher = AuditBatcher(trail: trail)
            let failures = try await Self.running(batcher) {
                await withTaskGroup(of: Bool.self) { group in
                    for index in 0..<20 {
                        group.addTask {
                            do {
                                try await batcher.append(
                                    AuditEvent(.cardViewed, topupId: TopupID("t"), actor: "u\(index)"), now: 1)
                                return false
                            } catch {
                                return true
                            }
                        }
                    }
                    return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
                }
            }
            #expect(failures == 20, "every caller learns its event was not recorded")
        }
    }

    @Test(
        "the batcher writes directly when its service is not running, and flushes what is queued when it stops",
        arguments: TestDatabase.available)
    func batcherLifecycle(database: TestDatabase) async throws {
        try await database.withStore { store, _ in
            let trail = AuditTrail(store: store, keys: nil)
            let batcher = AuditBatcher(trail: trail)
            try await batcher.append(AuditEvent(.cardViewed, topupId: TopupID("before"), actor: "u"), now: 1)
            try await Self.running(batcher) {
                try await batcher.append(AuditEvent(.cardViewed, topupId: TopupID("during"), actor: "u"), now: 2)
            }
            try await batcher.append(AuditEvent(.cardViewed, topupId: TopupID("after"), actor: "u"), now: 3)
            let order = try await trail.events(after: 0, limit: 10).compactMap(\.event.topupId?.rawValue)
            #expect(order == ["before", "during", "after"])
        }
    }

    /// Runs `body` while the batcher's service runs, then stops the service and waits for it.
    static func running<T: Sendable>(_ batcher: AuditBatcher, _ body: @Sendable () async throws -> T) async throws -> T
    {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await batcher.run()
                return nil
            }
            // Give the service a moment to start, so the appends below go through the batch writer.
            try await Task.sleep(for: .milliseconds(20))
            let result = try await body()
            group.cancelAll()
            try await group.waitForAll()
            return result
        }
    }

    @Test("a long chain verifies, and links each event to the one before", arguments: TestDatabase.available)
    func intact(database: TestDatabase) async throws {
        try await database.withStore { store, _ in
            let trail = try await Self.fill(store, count: 600)
            let outcome = try await AuditVerifier(trail: trail, pageSize: 250).verify()
            guard case .intact(let count, let last) = outcome else {
                Issue.record("expected intact, got \(outcome)")
                return
            }
            #expect(count == 600)
            #expect(try await trail.head()?.hash == last)
            let first = try await trail.events(after: 0, limit: 2)
            #expect(first[0].previousHash == AuditTrail.genesis)
            #expect(first[1].previousHash == first[0].hash)
        }
    }

    @Test("a changed event is found at its sequence number", arguments: TestDatabase.available)
    func changed(database: TestDatabase) async throws {
        try await database.withStore { store, _ in
            let trail = try await Self.fill(store, count: 120)
            try await AuditTampering.disableGuards(store)
            try await store.sql.raw(#"UPDATE audit_events SET details = '{"n":"999"}' WHERE seq = 57"#).run()
            #expect(
                try await AuditVerifier(trail: trail, pageSize: 50).verify()
                    == .broken(sequence: 57, reason: "content does not match its hash (changed)"))
        }
    }

    @Test("an event removed from the middle is found", arguments: TestDatabase.available)
    func removedInMiddle(database: TestDatabase) async throws {
        try await database.withStore { store, _ in
            let trail = try await Self.fill(store, count: 120)
            try await AuditTampering.disableGuards(store)
            try await store.sql.raw("DELETE FROM audit_events WHERE seq = 80").run()
            let outcome = try await AuditVerifier(trail: trail, pageSize: 50).verify()
            guard case .broken(80, let reason) = outcome else {
                Issue.record("expected broken at 80, got \(outcome)")
                return
            }
            #expect(reason.contains("missing"))
        }
    }

    @Test("removing the newest events is caught by the signed checkpoint", arguments: TestDatabase.available)
    func truncatedTail(database: TestDatabase) async throws {
        try await database.withStore { store, _ in
            let trail = try await Self.fill(store, count: 90)
            let head = try #require(try await trail.head())
            let checkpoint = Self.keys.sign(sequence: head.sequence, hash: head.hash, at: 1)
            #expect(Self.keys.isValid(checkpoint))
            #expect(
                try await AuditVerifier(trail: trail).verify(checkpoint: checkpoint)
                    == .intact(events: 90, lastHash: head.hash))
            try await AuditTampering.disableGuards(store)
            try await store.sql.raw("DELETE FROM audit_events WHERE seq > 85").run()
            // Without the checkpoint the shortened chain looks whole; with it, the gap shows.
            #expect(
                try await AuditVerifier(trail: trail).verify()
                    == .intact(events: 85, lastHash: try await trail.head()!.hash))
            let outcome = try await AuditVerifier(trail: trail).verify(checkpoint: checkpoint)
            guard case .broken(86, let reason) = outcome else {
                Issue.record("expected broken at 86, got \(outcome)")
                return
            }
            #expect(reason.contains("90"))
        }
    }

    @Test(
        "a chain rewritten from a changed event onwards disagrees with the checkpoint",
        arguments: TestDatabase.available)
    func rewritten(database: TestDatabase) async throws {
        try await database.withStore { store, _ in
            let trail = try await Self.fill(store, count: 40)
            let head = try #require(try await trail.head())
            let checkpoint = Self.keys.sign(sequence: head.sequence, hash: head.hash, at: 1)
            try await AuditTampering.disableGuards(store)
            // The attacker deletes events 30 to 40 and appends new, well-linked ones in their place.
            try await store.sql.raw("DELETE FROM audit_events WHERE seq >= 30").run()
            for index in 30...40 {
                try await trail.append(AuditEvent(.statusChanged, details: ["forged": String(index)]), now: 5)
            }
            #expect(
                try await AuditVerifier(trail: trail).verify()
                    == .intact(events: 40, lastHash: try await trail.head()!.hash))
            #expect(
                try await AuditVerifier(trail: trail).verify(checkpoint: checkpoint)
                    == .broken(sequence: 40, reason: "differs from the signed checkpoint (rewritten)"))
        }
    }

    @Test("a checkpoint with a forged MAC or an unknown key is refused")
    func checkpointSignature() {
        let checkpoint = Self.keys.sign(sequence: 12, hash: String(repeating: "a", count: 64), at: 3)
        let forged = AuditCheckpoint(sequence: 13, hash: checkpoint.hash, at: 3, keyID: "k1", mac: checkpoint.mac)
        let otherKey = AuditCheckpoint(sequence: 12, hash: checkpoint.hash, at: 3, keyID: "k2", mac: checkpoint.mac)
        #expect(Self.keys.isValid(checkpoint))
        #expect(!Self.keys.isValid(forged))
        #expect(!Self.keys.isValid(otherKey))
        #expect(!CheckpointKeys([("k1", SymmetricKey(size: .bits256))]).isValid(checkpoint))
    }

    @Test("appends from separate connection pools keep one chain", arguments: TestDatabase.available)
    func concurrentAppends(database: TestDatabase) async throws {
        try await database.withStore { store, location in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<4 {
                    group.addTask {
                        // Its own pool, as a separate process would have.
                        let own = try await Store.open(
                            location, logger: TestDatabase.quietLogger, maxPostgresConnectionsPerLoop: 2)
                        do {
                            let trail = AuditTrail(store: own, keys: nil)
                            try await withThrowingTaskGroup(of: Void.self) { inner in
                                for lane in 0..<3 {
                                    inner.addTask {
                                        for index in 0..<25 {
                                            try await trail.append(
                                                AuditEvent(
                                                    .statusChanged, actor: "w\(writer)-\(lane)",
                                                    details: ["i": "\(index)"]), now: 1)
                                        }
                                    }
                                }
                                try await inner.waitForAll()
                            }
                        } catch {
                            await own.shutdown()
                            throw error
                        }
                        await own.shutdown()
                    }
                }
                try await group.waitForAll()
            }
            let outcome = try await AuditVerifier(trail: AuditTrail(store: store, keys: nil)).verify()
            guard case .intact(300, _) = outcome else {
                Issue.record("expected 300 intact events, got \(outcome)")
                return
            }
        }
    }

    @Test("the checkpoint file is written atomically with mode 0600 and read back")
    func checkpointFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = CheckpointFile(path: directory.path + "/sub/audit-checkpoint.json")
        #expect(try file.read() == nil)
        let checkpoint = Self.keys.sign(sequence: 5, hash: String(repeating: "b", count: 64), at: 9)
        try file.write(checkpoint)
        #expect(try file.read() == checkpoint)
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }
}
