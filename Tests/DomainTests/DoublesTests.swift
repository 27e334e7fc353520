import Audit
import BitaqaCore
import Messaging
import Orders
import OrdersDoubles
import Testing

/// The doubles keep the promises the SQL repositories keep, or the domain's tests above prove nothing.
@Suite("In-memory doubles")
struct DoublesTests {
    struct Boom: Error {}

    static func order(_ id: String, ref: String? = nil) -> NewOrder {
        World.newOrder(id, ref: ref)
    }

    @Test("a transaction commits when its body returns and leaves nothing when it throws")
    func rollback() async throws {
        let database = MemoryDatabase()
        let orders = database.repositories.orders
        await #expect(throws: Boom.self) {
            try await database.transaction { transaction in
                _ = try await orders.register(Self.order("tx-1"), now: 1, firstCheckAt: 1, in: transaction)
                #expect(try await orders.find(TopupID("tx-1")!) == nil, "outside readers see only what committed")
                throw Boom()
            }
        }
        #expect(try await orders.find(TopupID("tx-1")!) == nil)
        _ = try await database.transaction { transaction in
            try await orders.register(Self.order("tx-1"), now: 1, firstCheckAt: 1, in: transaction)
        }
        #expect(try await orders.find(TopupID("tx-1")!)?.status == .handling)
    }

    @Test("a transaction or a write of its own inside a transaction fails at once; a used transaction is refused")
    func nested() async throws {
        let database = MemoryDatabase()
        let repositories = database.repositories
        let kept = try await database.transaction { transaction in
            await #expect(throws: MemoryDatabaseError.nested) {
                try await database.transaction { _ in 1 }
            }
            await #expect(throws: MemoryDatabaseError.nested) {
                _ = try await repositories.leases.claim(.orderChecks, owner: "o", now: 0, leaseMillis: 1, limit: 1)
            }
            return transaction
        }
        await #expect(throws: MemoryDatabaseError.transactionEnded) {
            _ = try await repositories.orders.register(Self.order("tx-2"), now: 1, firstCheckAt: 1, in: kept)
        }
        await #expect(throws: MemoryDatabaseError.foreignTransaction) {
            _ = try await MemoryDatabase().repositories.orders.register(
                Self.order("tx-2"), now: 1, firstCheckAt: 1, in: kept)
        }
    }

    @Test("concurrent appends take turns: one unbroken chain")
    func serialised() async throws {
        let database = MemoryDatabase()
        let trail = database.trail(keys: nil)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<40 {
                group.addTask {
                    try await trail.append(AuditEvent(.checkRequested, actor: "task-\(index)"), now: Int64(index))
                }
            }
            try await group.waitForAll()
        }
        let head = try #require(try await trail.head())
        #expect(try await AuditVerifier(trail: trail).verify() == .intact(events: 40, lastHash: head.hash))
        #expect(Set(try await trail.events(after: 0, limit: 100).map(\.event.actor)).count == 40)
    }

    @Test("registration: created, existing, conflict on another fingerprint, refTaken on another order's ref")
    func registration() async throws {
        let database = MemoryDatabase()
        let orders = database.repositories.orders
        func register(_ order: NewOrder) async throws -> RegistrationOutcome {
            try await database.transaction { try await orders.register(order, now: 5, firstCheckAt: 9, in: $0) }
        }
        guard case .created(let created) = try await register(Self.order("rg-1", ref: "R1")) else {
            Issue.record("not created")
            return
        }
        #expect(created.nextCheckAt == 9 && created.createdAt == 5 && created.checkCount == 0)
        #expect(try await register(Self.order("rg-1", ref: "R1")) == .existing(created))
        #expect(try await register(World.newOrder("rg-1", user: "other", ref: "R1")) == .conflict(created))
        #expect(try await register(Self.order("rg-2", ref: "R1")) == .refTaken)
        guard case .created = try await register(Self.order("rg-3")) else {
            Issue.record("an order without a ref was refused")
            return
        }
    }

    @Test("claims: only due rows, most overdue first, up to the limit; never two owners; expiry frees a row")
    func leases() async throws {
        let database = MemoryDatabase()
        let repositories = database.repositories
        for (id, due) in [("c-1", 300), ("c-2", 100), ("c-3", 200), ("c-4", 900)] {
            _ = try await database.transaction {
                try await repositories.orders.register(Self.order(id), now: 0, firstCheckAt: Int64(due), in: $0)
            }
        }
        let leases = repositories.leases
        #expect(
            try await leases.claim(.orderChecks, owner: "a", now: 500, leaseMillis: 100, limit: 2) == ["c-2", "c-3"])
        #expect(try await leases.claim(.orderChecks, owner: "b", now: 500, leaseMillis: 100, limit: 9) == ["c-1"])
        #expect(try await !leases.claim(.orderChecks, key: "c-2", owner: "b", now: 550, leaseMillis: 100))
        #expect(
            try await leases.claim(.orderChecks, key: "c-4", owner: "b", now: 550, leaseMillis: 100),
            "by key, due or not")
        #expect(try await leases.nextDue(.orderChecks, now: 550) == 600, "the end of a lease on an overdue row")
        #expect(try await !leases.release(.orderChecks, key: "c-2", owner: "b", nextDue: 0))
        #expect(try await repositories.workers.holds(.orderChecks, key: "c-2", owner: "a"))
        #expect(
            try await leases.claim(.orderChecks, owner: "b", now: 600, leaseMillis: 100, limit: 9) == [
                "c-2", "c-3", "c-1",
            ],
            "leases that ran out are free again")
        #expect(try await leases.release(.orderChecks, key: "c-2", owner: "b", nextDue: nil))
        #expect(
            try await !leases.claim(.orderChecks, key: "c-2", owner: "a", now: 700, leaseMillis: 100),
            "finished rows are not claimed")
        #expect(
            try await !repositories.pipeline.recordCheck(
                TopupID("c-3")!, owner: "a", status: .queued, nextCheckAt: 1, error: nil, now: 650),
            "a lost lease writes nothing")
        #expect(try await repositories.orders.find(TopupID("c-3")!)?.status == .handling)
    }

    @Test("a stale worker's claims are taken back at once; a retiring one gives its own back")
    func workers() async throws {
        let database = MemoryDatabase()
        let repositories = database.repositories
        _ = try await database.transaction {
            try await repositories.orders.register(Self.order("w-1"), now: 0, firstCheckAt: 0, in: $0)
        }
        #expect(try await !repositories.workers.beat("dead", now: 0), "a first beat writes the row anew")
        #expect(try await repositories.workers.beat("alive", now: 0) == false)
        #expect(try await repositories.workers.beat("alive", now: 10_000))
        #expect(
            try await repositories.leases.claim(.orderChecks, owner: "dead", now: 1, leaseMillis: 60_000, limit: 1)
                == ["w-1"])
        #expect(try await repositories.workers.reapStale(before: 5_000, except: "alive") == ["dead": 1])
        #expect(try await repositories.workers.live(since: 0) == 1)
        #expect(
            try await repositories.leases.claim(.orderChecks, owner: "alive", now: 2, leaseMillis: 1, limit: 1)
                == ["w-1"])
        #expect(try await repositories.workers.retire("alive") == 1)
        #expect(try await repositories.workers.live(since: 0) == 0)
    }

    @Test("rate limits: a sliding window, a retry-after from the oldest event, checks that count nothing")
    func rateLimits() async throws {
        let limits = MemoryDatabase().repositories.rateLimits
        #expect(try await limits.hit("b", limit: 2, windowMillis: 10_000, now: 1_000) == .allowed)
        #expect(try await limits.hit("b", limit: 2, windowMillis: 10_000, now: 4_000) == .allowed)
        #expect(try await limits.hit("b", limit: 2, windowMillis: 10_000, now: 5_000) == .limited(retryAfter: 6))
        #expect(try await limits.isOver("b", limit: 2, windowMillis: 10_000, now: 10_999) == .limited(retryAfter: 1))
        #expect(try await limits.hit("b", limit: 2, windowMillis: 10_000, now: 11_000) == .allowed, "the first left")
        #expect(try await limits.hit("b", limit: 0, windowMillis: 10_000, now: 11_000) == .allowed, "0: no limit")
        try await limits.record("other", now: 0)
        #expect(try await limits.isOver("other", limit: 1, windowMillis: 10_000, now: 1) == .limited(retryAfter: 10))
        #expect(try await limits.isOver("other", limit: 2, windowMillis: 10_000, now: 1) == .allowed)
    }

    @Test("alerts: an email when the state differs from the last one emailed, not sooner than the repeat time")
    func alerts() async throws {
        let alerts = MemoryDatabase().repositories.alerts
        let mac = RowMAC(mac: "m", keyID: "k")
        #expect(try await !alerts.evaluate("c", active: false, detail: "fine", now: 0, repeatMillis: 1_000, mac: nil))
        #expect(try await alerts.evaluate("c", active: true, detail: "down", now: 10, repeatMillis: 1_000, mac: mac))
        #expect(try await !alerts.evaluate("c", active: true, detail: "down", now: 20, repeatMillis: 1_000, mac: mac))
        #expect(
            try await !alerts.evaluate("c", active: false, detail: "up", now: 500, repeatMillis: 1_000, mac: mac),
            "cleared, but the last email is too recent")
        #expect(try await alerts.evaluate("c", active: false, detail: "up", now: 1_010, repeatMillis: 1_000, mac: mac))
    }

    @Test("console sessions live until they end or expire; webhook pages are newest first after a cursor")
    func sessionsAndPages() async throws {
        let database = MemoryDatabase()
        let sessions = database.repositories.consoleSessions
        let session = ConsoleSessionRecord(idHash: "h", csrf: "c", createdAt: 0, expiresAt: 100)
        try await sessions.create(session)
        await #expect(throws: MemoryDatabaseError.duplicateKey(table: "console_sessions", key: "h")) {
            try await sessions.create(session)
        }
        #expect(try await sessions.live("h", now: 99) == session)
        #expect(try await sessions.live("h", now: 100) == nil)
        try await sessions.end("h", now: 50)
        #expect(try await sessions.live("h", now: 60) == nil)

        let webhooks = database.repositories.webhooks
        for (index, id) in ["a", "b", "c"].enumerated() {
            try await database.transaction { transaction in
                try await webhooks.enqueue(
                    NewWebhookMessage(id: id, type: "t", topupId: nil, body: "{}"), now: Int64(index), in: transaction)
            }
        }
        #expect(try await webhooks.messages(state: nil, limit: 2, after: nil).map(\.id) == ["c", "b"])
        #expect(try await webhooks.messages(state: .pending, limit: 2, after: "b").map(\.id) == ["a"])
        #expect(try await webhooks.messages(state: nil, limit: 2, after: "gone").isEmpty)
        #expect(try await webhooks.counts() == [.pending: 3])
    }

    @Test("the fake upstream refuses what OneClickDz refuses and pages its history newest first")
    func upstream() async throws {
        let clock = ManualClock(1_000)
        let upstream = FakeUpstream(time: clock.source, balance: 600)
        await #expect(throws: UpstreamError(.invalidNumber, code: "ERR_PHONE")) {
            try await upstream.send(SendRequest(type: .fourG, number: "0363", value: 500))
        }
        let first = try await upstream.send(SendRequest(type: .adsl, number: "036362608", value: 500, ref: "R-1"))
        #expect(first.topupRef == "R-1" && upstream.currentBalance == 600 - 490)
        await #expect(throws: UpstreamError(.forbidden, code: "DUPLICATED_REF", httpStatus: 403)) {
            try await upstream.send(SendRequest(type: .adsl, number: "036362608", value: 500, ref: "R-1"))
        }
        await #expect(throws: UpstreamError(.forbidden, code: "INSUFFICIENT_BALANCE", httpStatus: 403)) {
            try await upstream.send(SendRequest(type: .adsl, number: "036362608", value: 500))
        }
        #expect(try await upstream.checkID(first.topupId).status == .known(.handling))
        upstream.fulfil(first.topupId, code: CardCode("1234"))
        #expect(try await upstream.checkRef("R-1").card?.code == CardCode("1234"))
        for index in 0..<3 {
            clock.advance(by: .seconds(1))
            upstream.add("old-\(index)")
        }
        let page = try await upstream.list(from: nil, to: nil, page: 1, pageSize: 3)
        #expect(page.items.map(\.topupId) == ["old-2", "old-1", "old-0"] && page.totalPages == 2)
        #expect(page.items.allSatisfy { $0.card == nil }, "a history, not a card store")
        upstream.fail(.checkID, with: UpstreamError(.timeout))
        await #expect(throws: UpstreamError(.timeout)) { try await upstream.checkID(first.topupId) }
        upstream.forget(first.topupId)
        await #expect(throws: UpstreamError(.notFound, code: "NOT_FOUND", httpStatus: 404)) {
            try await upstream.checkID(first.topupId)
        }
        #expect(upstream.calls(to: .checkID).count == 3)
    }

    @Test("the recording channel keeps what it sends and fails as told")
    func channel() async throws {
        let channel = RecordingChannel()
        let message = OutgoingMessage(
            channel: .sms, recipient: "+213551234567", subject: "", text: "hello", messageID: "m-1",
            topupId: TopupID("t-1")!)
        channel.fail(next: .temporary("busy"))
        await #expect(throws: DeliveryFailure.self) { try await channel.send(message) }
        #expect(try await channel.send(message) == "provider-1")
        #expect(channel.sent.map(\.messageID) == ["m-1"] && channel.attempts == 2)
    }
}
