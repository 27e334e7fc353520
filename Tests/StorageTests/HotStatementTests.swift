import Audit
import BitaqaCore
import BitaqaTestSupport
import Foundation
import Orders
import SQLKit
import Testing

@testable import Storage

/// Issue 34: the card view's statements and the audit batch kept prepared; on SQLite, read on the
/// calling thread by connections of Bitaqa's own over SQLiteNIO's copy of SQLite.
@Suite("Hot statements")
struct HotStatementTests {
    static func order(_ key: String, user: String = "hana") -> NewOrder {
        NewOrder(topupId: TopupID(key)!, userId: UserID(user)!, locale: .ar, channels: [.sms], fingerprint: "f")
    }

    @Test(
        "a hot read sees each commit at once, finds only the owner's order, and reads every column back",
        arguments: TestDatabase.available)
    func readsWhatWasWritten(database: TestDatabase) async throws {
        try await database.withStore { store, _ in
            let orders = SQLOrderRepository(store: store)
            var order = Self.order("hot-1")
            order.topupRef = "ref-\"é عربي"
            order.phone = "+213551234567"
            order.email = "a@b.example"
            order.cardType = .fourG
            order.number = "0551234567"
            order.value = 1000
            _ = try await orders.register(order, now: 5, firstCheckAt: 6)
            let found = try #require(try await orders.find(TopupID("hot-1")!, ownedBy: UserID("hana")!))
            var slow = try #require(try await orders.orders(ownedBy: UserID("hana")!).first)
            #expect(try await orders.find(TopupID("hot-1")!) == slow, "the hot read and SQLKit's read agree")
            #expect(slow.email == "a@b.example" && slow.phone == "+213551234567")
            slow.email = nil
            slow.phone = nil
            #expect(found == slow, "the buyer's own read is the same record without the contacts")
            #expect(found.topupRef == "ref-\"é عربي" && found.value == 1000 && found.nextCheckAt == 6)
            #expect(try await orders.find(TopupID("hot-1")!, ownedBy: UserID("other")!) == nil)
            #expect(try await orders.find(TopupID("hot-2")!) == nil)
            for step in 1...20 {
                _ = try await orders.register(Self.order("hot-\(step + 1)"), now: Int64(step), firstCheckAt: 1)
                #expect(try await orders.find(TopupID("hot-\(step + 1)")!)?.createdAt == Int64(step))
            }
        }
    }

    @Test("SQLite: readers of Bitaqa's own refuse to write, and nothing is served after shutdown")
    func readersCannotWrite() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try await Store.open(.sqlite(path: directory.path + "/r.sqlite"), logger: TestDatabase.quietLogger)
        try await Migrator(store: store, logger: TestDatabase.quietLogger).migrate()
        _ = try await SQLOrderRepository(store: store).register(Self.order("keep"), now: 1, firstCheckAt: 1)
        let direct = try #require(store.direct)
        #expect(throws: DirectSQLiteError.self) { try direct.read { try $0.run("DELETE FROM orders", []) } }
        #expect(try await SQLOrderRepository(store: store).find(TopupID("keep")!) != nil)
        await store.shutdown()
        await #expect(throws: StorageError.self) { try await SQLOrderRepository(store: store).find(TopupID("keep")!) }
    }

    @Test("SQLite: past the cache's 32 statements the oldest is dropped, and every statement still answers")
    func statementCache() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // Bitaqa's own connections never create a file: the store made it before opening them.
        #expect(throws: DirectSQLiteError.self) {
            try DirectConnection(path: directory.path + "/c.sqlite", role: .writer)
        }
        #expect(FileManager.default.createFile(atPath: directory.path + "/c.sqlite", contents: nil))
        let connection = try DirectConnection(path: directory.path + "/c.sqlite", role: .writer)
        for round in 0..<3 {
            for number in 0..<(DirectConnection.cachedStatements + 8) {
                let sum = try connection.rows(
                    "SELECT $1 + \(number), $2", [.integer(Int64(round)), .text("t\(round)")]
                ) {
                    (try $0.integer(0), try $0.text(1))
                }
                #expect(sum.first?.0 == Int64(round + number) && sum.first?.1 == "t\(round)")
            }
        }
        #expect(throws: DirectSQLiteError.self) { try connection.run("SELECT * FROM no_such_table", []) }
    }

    /// Every character class the JSON array of a PostgreSQL batch must carry exactly.
    static let awkward = "q\"b\\s/\u{1}\u{8}\t\n\r\u{1f}\u{7f}é عربي \u{2028}😀 {}[],:"

    @Test(
        "an audit batch keeps awkward text exactly and verifies, by each way the trail appends",
        arguments: TestDatabase.available)
    func auditBatch(database: TestDatabase) async throws {
        try await database.withStore { store, _ in
            let trail = AuditTrail(store: store, keys: nil)
            var events: [(AuditEvent, Int64)] = []
            for index in 0..<250 {
                let actor: String? = index % 2 == 0 ? nil : Self.awkward
                let requestID: String? = index % 3 == 0 ? nil : "r\(index)"
                let details: [String: String] = ["note": Self.awkward, "n": String(index)]
                let event = AuditEvent(
                    .cardViewed, topupId: TopupID("a-\(index)"), actor: actor, requestID: requestID, details: details)
                events.append((event, Int64(index)))
            }
            let batch = events
            // One transaction (on PostgreSQL the JSON array; over 200 rows); then, on SQLite, the batcher's
            // way without a transaction, on the writer of Bitaqa's own.
            let first = try await store.transaction { try await trail.append(Array(batch[..<210]), in: $0) }
            let head = try #require(first.last)
            let second =
                store.kind == .sqlite
                ? try await trail.append(after: (head.sequence, head.hash), Array(events[210...]))
                : try await store.transaction { try await trail.append(Array(batch[210...]), in: $0) }
            let stored = try await trail.rows(after: 0, limit: 1000)
            #expect(stored.count == 250)
            #expect(stored.map(\.hash) == (first + second).map(\.hash))
            for record in first + second {
                #expect(try await trail.events(of: record.event.topupId!) == [record], "read back as hashed")
            }
            #expect(stored.contains { $0.actor == Self.awkward && $0.details.contains("عربي") })
            guard case .intact(events: 250, _) = try await AuditVerifier(trail: trail).verify() else {
                Issue.record("the chain does not verify")
                return
            }
        }
    }
}
