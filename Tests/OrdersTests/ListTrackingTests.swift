import BitaqaCore
import BitaqaTestSupport
import Foundation
import OneClickDZ
import OneClickDZSandbox
import Orders
import Storage
import Testing

@Suite("Tracking by the upstream's list")
struct ListTrackingTests {
    static let listRoute = "GET /internet/list"
    static let checkRoute = "GET /internet/check-id"

    func emails(_ h: PipelineHarness) -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: h.outbox + "/email"))?.count ?? 0
    }

    @Test(
        "a 500-order burst: every card delivered, one check-id per card, list calls on top, at most 1.5 calls a card",
        arguments: TestDatabase.available)
    func burst(database: TestDatabase) async throws {
        let schedule = TrackingSchedule(pollInterval: .milliseconds(150))
        try await PipelineHarness.run(
            on: database, sandbox: .fast(resolveAfter: 0.3...1.5), schedule: schedule
        ) { h in
            let ids = try await withThrowingTaskGroup(of: [TopupID].self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        var placed: [TopupID] = []
                        for _ in 0..<50 { placed.append(try await h.place(channels: [.email])) }
                        return placed
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            let delivered = try await h.runUntil(timeout: .seconds(120)) { emails(h) == ids.count }
            #expect(delivered, "\(emails(h)) of \(ids.count) delivered")
            let counts = await h.sandbox.requestCounts()
            let lists = counts[Self.listRoute] ?? 0
            let checks = counts[Self.checkRoute] ?? 0
            #expect(lists > 0)
            #expect(checks == ids.count, "check-id only to read each card: \(checks) for \(ids.count)")
            let perCard = Double(lists + checks) / Double(ids.count)
            #expect(perCard <= 1.5, "\(lists) list and \(checks) check-id calls for \(ids.count) cards")
            #expect(try await h.order(ids[0]).lastCheckedAt != nil)
        }
    }

    @Test(
        "refunded and queued orders learned from the list; only the fulfilled one is asked with check-id",
        arguments: TestDatabase.available)
    func statusesFromList(database: TestDatabase) async throws {
        var sandbox = SandboxSettings.fast(resolveAfter: 0.05...0.1)
        sandbox.queuedFor = 3_600
        try await PipelineHarness.run(
            on: database, sandbox: sandbox, schedule: TrackingSchedule(pollInterval: .milliseconds(50))
        ) { h in
            let refunded = try await h.place(number: SandboxNumbers.refunded.adsl)
            let queued = try await h.place(number: SandboxNumbers.queued.adsl)
            let fulfilled = try await h.place()
            try await Task.sleep(for: .milliseconds(200))
            let settled = try await h.runUntil {
                let refundedNow = try await h.order(refunded).status == .refunded
                let queuedNow = try await h.order(queued).status == .queued
                let deliveredNow = try await h.allDelivered([fulfilled])
                return refundedNow && queuedNow && deliveredNow
            }
            #expect(settled)
            let log = await h.sandbox.requestLog()
            let checked = Set(log.filter { $0.route == Self.checkRoute }.map(\.id))
            #expect(checked == [fulfilled.rawValue])
            #expect(try await h.auditKinds(queued).contains(.statusChanged))
            let next = try #require(try await h.order(queued).nextCheckAt)
            #expect(next - TimeSource.system.now() > 14 * 60_000, "QUEUED: checked again in 15 minutes")
        }
    }

    @Test(
        "list items without a status: each order falls back to check-id, said once in the log, every card delivered",
        arguments: TestDatabase.available)
    func unreadableItems(database: TestDatabase) async throws {
        try await PipelineHarness.run(
            on: database, sandbox: .fast(resolveAfter: 0.2...0.4),
            schedule: TrackingSchedule(pollInterval: .milliseconds(50))
        ) { h in
            await h.sandbox.setListOmits(["status"])
            var placed: [TopupID] = []
            for _ in 0..<6 { placed.append(try await h.place(channels: [.email])) }
            let ids = placed
            #expect(try await h.runUntil { try await h.allDelivered(ids) })
            let counts = await h.sandbox.requestCounts()
            #expect((counts[Self.listRoute] ?? 0) > 0)
            #expect((counts[Self.checkRoute] ?? 0) > ids.count, "each order checked with check-id while HANDLING")
            let warnings = h.logs.text.components(separatedBy: "without an id or a status").count - 1
            #expect(warnings == 1)
        }
    }

    @Test("an order alone, or registered long ago, is checked with check-id and no list call")
    func singles() async throws {
        try await PipelineHarness.run(on: .sqlite, schedule: TrackingSchedule(pollInterval: .milliseconds(50))) { h in
            let old = try await h.place(number: SandboxNumbers.stuck.adsl, now: TimeSource.system.now() - 7_200_000)
            let young = try await h.place(number: SandboxNumbers.stuck.adsl)
            try await h.tracker.pass()
            let counts = await h.sandbox.requestCounts()
            #expect(counts[Self.listRoute] == nil && counts[Self.checkRoute] == 2)
            #expect(try await h.order(old).checkCount == 1)
            #expect(try await h.order(young).checkCount == 1)
        }
    }
}

@Suite("Tracking schedule")
struct TrackingScheduleTests {
    @Test(
        "checks fall on a grid of poll intervals; QUEUED every 15 minutes for 2 hours, then every 30; overdue at 72 h")
    func schedule() {
        let schedule = TrackingSchedule(pollInterval: .seconds(5))
        #expect(schedule.firstCheck(now: 1_000) == 5_000)
        #expect(schedule.firstCheck(now: 2_000) == 5_000)
        #expect(schedule.firstCheck(now: 2_001) == 10_000)
        #expect(schedule.nextHandlingCheck(createdAt: 0, now: 12_345) == 15_000)
        // A pass a hair after its grid point comes back one interval later, not two.
        #expect(schedule.nextHandlingCheck(createdAt: 0, now: 10_003) == 15_000)
        #expect(schedule.nextHandlingCheck(createdAt: 0, now: 12_600) == 20_000)
        let hour: Int64 = 3_600_000
        #expect(schedule.nextQueuedCheck(createdAt: 0, now: hour) == hour + 900_000)
        #expect(schedule.nextQueuedCheck(createdAt: 0, now: 3 * hour) == 3 * hour + 1_800_000)
        #expect(!schedule.isOverdue(createdAt: 0, now: 71 * hour))
        #expect(schedule.isOverdue(createdAt: 0, now: 73 * hour))
        let custom = TrackingSchedule(
            pollInterval: .seconds(5), queuedEarly: .seconds(60), queuedLater: .seconds(600),
            queuedEarlyFor: .seconds(0))
        #expect(custom.nextQueuedCheck(createdAt: 0, now: 1_000) == 601_000)
    }
}
