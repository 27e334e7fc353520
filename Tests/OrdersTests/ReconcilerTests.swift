import BitaqaCore
import BitaqaTestSupport
import Foundation
import OneClickDZ
import OneClickDZSandbox
import Orders
import Storage
import Synchronization
import Testing

@Suite("Reconciliation against the sandbox's history")
struct ReconcilerTests {
    static func reconciler(_ h: PipelineHarness) -> Reconciler {
        let context = DomainContext(store: h.store)
        return Reconciler(
            context: context, client: h.client,
            registrar: OrderRegistrar(
                context: context, firstCheckDelay: .zero, binder: ContactBinder(ring: h.vault.keyRing)))
    }

    static func window() -> (Int64, Int64) {
        let now = TimeSource.system.now()
        return (now - 600_000, now + 60_000)
    }

    @Test(
        "each planted difference is found with its amount; adopting the untracked ones brings them under tracking",
        arguments: TestDatabase.available)
    func planted(database: TestDatabase) async throws {
        let email = ScriptedChannel(failFirst: [.permanent("550 no such mailbox")])
        try await PipelineHarness.run(
            on: database, sandbox: .fast(resolveAfter: 0.05...0.1),
            channels: DelivererTests.replacingEmail(with: email)
        ) { h in
            // Delivered, and the one whose email bounces.
            let delivered = try await h.place(channels: [.sms])
            let bounced = try await h.place(channels: [.email])
            #expect(
                try await h.runUntil {
                    let done = try await h.allDelivered([delivered])
                    let failed = try await h.deliveries(bounced).first?.state == .failed
                    return done && failed
                })
            // Sent around Bitaqa: bought upstream, never registered.
            let around = [
                try await h.client.send(SendRequest(type: .adsl, number: "036362608", value: 1000)),
                try await h.client.send(SendRequest(type: .fourG, number: "213665983439", value: 2000)),
            ]
            // Lost upstream.
            let lost = try await h.place(number: SandboxNumbers.stuck.adsl, channels: [.sms])
            #expect(await h.sandbox.deleteTopup(lost.rawValue))
            // Fulfilled upstream, not yet checked here.
            let behind = try await h.place(channels: [.sms])
            // Fulfilled and stored, its delivery not yet made.
            let waiting = try await h.place(channels: [.sms])
            try await Task.sleep(for: .milliseconds(300))
            try await h.tracker.checkNow(waiting)

            let (from, to) = Self.window()
            let report = try await Self.reconciler(h).run(from: from, to: to)
            func kinds(_ id: String) -> [Reconciler.Kind] { report.differences.filter { $0.topupId == id }.map(\.kind) }
            #expect(Set(around.flatMap { kinds($0.topupId) }) == [.untracked])
            #expect(report.differences.filter { $0.kind == .untracked }.compactMap(\.value).sorted() == [1000, 2000])
            #expect(kinds(lost.rawValue) == [.missingUpstream])
            #expect(kinds(behind.rawValue) == [.statusMismatch])
            #expect(report.differences.first { $0.topupId == behind.rawValue }?.status == "FULFILLED")
            #expect(kinds(waiting.rawValue) == [.undelivered])
            #expect(kinds(bounced.rawValue) == [.failedDelivery])
            #expect(report.differences.first { $0.topupId == bounced.rawValue }?.channels == ["email"])
            #expect(kinds(delivered.rawValue).isEmpty)
            #expect(report.totals["untracked"]?.amount == 3000 && report.totals["all"]?.count == 6)

            let adopted = try await Self.reconciler(h).adopt(report, actor: "test", requestID: "r-1")
            #expect(Set(adopted.map(\.rawValue)) == Set(around.map(\.topupId)))
            #expect(try await h.auditKinds(adopted[0]).contains(.orderRegistered))
            #expect(try await h.runUntil { try await h.order(adopted[0]).status == .fulfilled })
            #expect(try await h.runUntil { try await h.order(adopted[1]).status == .fulfilled })
            let after = try await Self.reconciler(h).run(from: from, to: to)
            #expect(after.differences.allSatisfy { $0.kind != .untracked })
        }
    }

    @Test("a window where everything was delivered reports nothing", arguments: TestDatabase.available)
    func clean(database: TestDatabase) async throws {
        try await PipelineHarness.run(on: database, sandbox: .fast(resolveAfter: 0.05...0.1)) { h in
            var placed: [TopupID] = []
            for _ in 0..<3 { placed.append(try await h.place()) }
            placed.append(try await h.place(number: SandboxNumbers.refunded.adsl))
            let ids = placed
            #expect(try await h.runUntil { try await h.allDelivered(ids) })
            let (from, to) = Self.window()
            let report = try await Self.reconciler(h).run(from: from, to: to)
            #expect(report.differences.isEmpty, "\(report.differences)")
            #expect(report.upstreamCount == 4 && report.localCount == 4)
            #expect(report.totals["all"]?.count == 0)
        }
    }

    @Test("a history of 1,000 top-ups is read over 10 pages")
    func longHistory() async throws {
        try await PipelineHarness.run(on: .sqlite) { h in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for lane in 0..<10 {
                    group.addTask {
                        for index in stride(from: lane, to: 1_000, by: 10) {
                            _ = try await h.client.send(
                                SendRequest(type: .adsl, number: "036362608", value: 500, ref: "history-\(index)"))
                        }
                    }
                }
                try await group.waitForAll()
            }
            let pages = Mutex<[Int]>([])
            let (from, to) = Self.window()
            let report = try await Self.reconciler(h).run(from: from, to: to) { page, total in
                pages.withLock { $0.append(page * 100 + total) }
            }
            #expect(report.upstreamCount == 1_000)
            #expect(report.differences.count == 1_000 && report.differences.allSatisfy { $0.kind == .untracked })
            #expect(pages.withLock { $0 } == (1...10).map { $0 * 100 + 10 })
            let listCalls = await h.sandbox.requestCounts()["GET /internet/list"]
            #expect(listCalls == 10)
        }
    }
}
