import Audit
import BitaqaCore
import BitaqaTestSupport
import Foundation
import OneClickDZ
import OneClickDZSandbox
import Orders
import Storage
import Testing

@Suite("Tracker and deliverer against the sandbox")
struct TrackerTests {
    @Test(
        "HANDLING then FULFILLED: sealed, stored, delivered on each channel, audited", arguments: TestDatabase.available
    )
    func fulfilled(database: TestDatabase) async throws {
        try await PipelineHarness.run(on: database) { h in
            let ids = [
                try await h.place(), try await h.place(number: "213665983439", type: .fourG, value: 1000),
                try await h.place(channels: [.email]),
            ]
            #expect(try await h.runUntil { try await h.allDelivered(ids) })
            let codes = Set(await h.sandbox.issuedCardCodes())
            for id in ids {
                let order = try await h.order(id)
                #expect(order.status == .fulfilled)
                #expect(order.transactionNumber?.hasPrefix("AT-") == true)
                #expect(order.nextCheckAt == nil)
                let card = try #require(try await SQLCardRepository(store: h.store).card(of: id))
                #expect(codes.contains(try h.vault.open(card.sealed, topupId: id, userId: card.userId).revealed))
                let deliveries = try await h.deliveries(id)
                #expect(deliveries.allSatisfy { $0.attempts == 1 && $0.deliveredAt != nil && $0.purpose == .card })
                let files = h.outboxFiles(id)
                #expect(files.count == order.channels.count)
                #expect(files.allSatisfy { file in codes.contains { file.1.contains($0) } })
                let kinds = try await h.auditKinds(id)
                #expect(kinds.filter { $0 == .cardStored }.count == 1)
                #expect(kinds.filter { $0 == .cardDelivered }.count == order.channels.count)
            }
        }
    }

    @Test("QUEUED is shown, checked again later, then FULFILLED and delivered", arguments: TestDatabase.available)
    func queued(database: TestDatabase) async throws {
        var settings = SandboxSettings.fast()
        settings.queuedFor = 0.6
        try await PipelineHarness.run(on: database, sandbox: settings) { h in
            let id = try await h.place(number: SandboxNumbers.queued.adsl)
            #expect(try await h.runUntil { try await h.order(id).status == .queued })
            #expect(try await h.order(id).nextCheckAt != nil)
            #expect(try await h.runUntil { try await h.allDelivered([id]) })
            #expect(try await h.auditKinds(id).contains(.statusChanged))
        }
    }

    @Test("REFUNDED: recorded, and the refund notice goes out on each channel", arguments: TestDatabase.available)
    func refunded(database: TestDatabase) async throws {
        try await PipelineHarness.run(on: database) { h in
            let id = try await h.place(number: SandboxNumbers.refunded.adsl)
            #expect(try await h.runUntil { try await h.allDelivered([id]) })
            #expect(try await h.order(id).status == .refunded)
            let deliveries = try await h.deliveries(id)
            #expect(deliveries.count == 2 && deliveries.allSatisfy { $0.purpose == .refundNotice })
            #expect(h.outboxFiles(id).allSatisfy { $0.1.contains("rembours") })
            #expect(try await SQLCardRepository(store: h.store).card(of: id) == nil)
        }
    }

    @Test("still HANDLING after five minutes: checked less often, never dropped", arguments: TestDatabase.available)
    func stuck(database: TestDatabase) async throws {
        let clock = ManualClock()
        let schedule = TrackingSchedule(pollInterval: .seconds(5))
        try await PipelineHarness.run(on: database, schedule: schedule, time: clock.source) { h in
            let id = try await h.place(number: SandboxNumbers.stuck.adsl, now: clock.now)
            try await h.tracker.pass()
            var order = try await h.order(id)
            #expect(order.status == .handling)
            // On the grid of poll intervals, where other orders' checks fall too.
            #expect(order.nextCheckAt == schedule.onGrid(clock.now + 2_500))
            #expect(try #require(order.nextCheckAt) % 5_000 == 0)
            clock.advance(seconds: 6 * 60)
            try await h.tracker.pass()
            order = try await h.order(id)
            #expect(order.status == .handling)
            #expect(order.nextCheckAt == schedule.onGrid(clock.now + 7_500), "after 6 minutes the interval doubles")
            clock.advance(seconds: 60 * 60)
            try await h.tracker.pass()
            order = try await h.order(id)
            #expect(order.nextCheckAt == schedule.onGrid(clock.now + 897_500), "capped at 15 minutes, still checking")
            #expect(order.checkCount == 3)
            #expect(h.logs.text.contains("still HANDLING after five minutes"))
        }
    }

    @Test(
        "check now: one upstream call out of schedule, none for an order another worker holds or a final one",
        arguments: TestDatabase.available)
    func checkNow(database: TestDatabase) async throws {
        let clock = ManualClock()
        try await PipelineHarness.run(
            on: database, schedule: TrackingSchedule(pollInterval: .seconds(600)), time: clock.source
        ) { h in
            let id = try await h.place(number: SandboxNumbers.stuck.adsl, now: clock.now)
            try await h.tracker.pass()
            #expect(try await h.order(id).checkCount == 1)
            // Not due for ten minutes, but asked for now: checked at once.
            guard case .checked(let checked) = try await h.tracker.checkNow(id) else {
                Issue.record("not checked")
                return
            }
            #expect(checked.checkCount == 2 && checked.status == .handling)
            // Another worker holds the order: no second check over its lease.
            let taken = try await SQLLeases(store: h.store).claim(
                .orderChecks, key: id.rawValue, owner: "other-worker", now: clock.now, leaseMillis: 60_000)
            #expect(taken)
            guard case .notChecked(let untouched) = try await h.tracker.checkNow(id) else {
                Issue.record("checked over another worker's lease")
                return
            }
            #expect(untouched.checkCount == 2)
            guard case .notFound = try await h.tracker.checkNow(TopupID("no-such-order")!) else {
                Issue.record("a missing order was found")
                return
            }
        }
    }

    @Test(
        "upstream faults push checks back; after recovery every order is delivered", arguments: TestDatabase.available)
    func faultsThenRecovery(database: TestDatabase) async throws {
        try await PipelineHarness.run(on: database, sandbox: .fast(resolveAfter: 0.05...0.3)) { h in
            var placed: [TopupID] = []
            for index in 0..<12 { placed.append(try await h.place(number: String(format: "0363626%02d", index))) }
            let ids = placed
            await h.sandbox.setFaults(
                serverErrors: 0.3, rateLimits: 0.1, malformed: 0.1, slow: 0.05, slowSeconds: 0.3, retryAfter: 0)
            try await h.runUntil(timeout: .seconds(3)) { false }
            let failures =
                try await h.store.sql.raw("SELECT COUNT(*) AS n FROM orders WHERE last_check_error IS NOT NULL")
                .first()?.decode(column: "n", as: Int.self) ?? 0
            let counts = await h.sandbox.requestCounts()
            #expect((counts["GET /internet/check-id"] ?? 0) > 12, "checks kept going under faults")
            await h.sandbox.setFaults()
            #expect(try await h.runUntil(timeout: .seconds(30)) { try await h.allDelivered(ids) })
            _ = failures
            for id in ids { #expect(h.outboxFiles(id).count == 2) }
        }
    }

    @Test("a rung signal cuts a worker's rest short; an unrung one lets it rest in full")
    func wakeSignal() async throws {
        let signal = WorkSignal()
        var start = ContinuousClock.now
        try await signal.rest(upTo: .milliseconds(150))
        #expect(ContinuousClock.now - start >= .milliseconds(150))
        signal.notify()
        start = ContinuousClock.now
        try await signal.rest(upTo: .seconds(5))
        #expect(ContinuousClock.now - start < .seconds(1))
        Task {
            try await Task.sleep(for: .milliseconds(50))
            signal.notify()
        }
        start = ContinuousClock.now
        try await signal.rest(upTo: .seconds(5))
        #expect(ContinuousClock.now - start < .seconds(2), "woken while resting")
    }

    @Test("a global limit caps upstream checks per second")
    func rateLimit() async throws {
        let limiter = UpstreamRateLimiter(perSecond: 20, burst: 1)
        let start = ContinuousClock.now
        for _ in 0..<21 { try await limiter.acquire() }
        #expect(ContinuousClock.now - start >= .milliseconds(900))
    }

    @Test("the HANDLING schedule: poll interval for five minutes, then doubling up to a cap")
    func schedule() {
        let schedule = TrackingSchedule(pollInterval: .seconds(5))
        #expect(schedule.handlingInterval(elapsed: .zero) == .seconds(5))
        #expect(schedule.handlingInterval(elapsed: .seconds(299)) == .seconds(5))
        #expect(schedule.handlingInterval(elapsed: .seconds(300)) == .seconds(10))
        #expect(schedule.handlingInterval(elapsed: .seconds(600)) == .seconds(20))
        #expect(schedule.handlingInterval(elapsed: .seconds(900)) == .seconds(40))
        #expect(schedule.handlingInterval(elapsed: .seconds(100_000)) == .seconds(900))
        let next = schedule.nextAfterError(failures: 3, retryAfter: 30, now: 0)
        #expect(next >= 30_000)
    }
}
