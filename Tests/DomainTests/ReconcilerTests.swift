import Audit
import BitaqaCore
import Orders
import OrdersDoubles
import Testing

@Suite("Reconciliation")
struct ReconcilerTests {
    @Test(
        "untracked, missing upstream, a status mismatch and an undelivered card are found; adopt registers the untracked"
    )
    func runAndAdopt() async throws {
        let w = try World()
        let reconciler = Reconciler(context: w.context, client: w.upstream, registrar: w.registrar)
        try await w.fulfilled("card-1")
        // Registered after the tracker's pass, so only the reconciliation asks about these.
        w.upstream.add("up-1", ref: "REF-UP-1", amount: 1000, status: .fulfilled)
        try await w.register("loc-1")
        w.upstream.forget("loc-1")
        try await w.register("both-1")
        w.upstream.set("both-1", to: .queued)
        w.clock.advance(by: .seconds(5))

        let report = try await reconciler.run(from: World.start - 60_000, to: w.now)
        let found = Dictionary(uniqueKeysWithValues: report.differences.map { ($0.topupId, $0.kind) })
        #expect(
            found == ["up-1": .untracked, "loc-1": .missingUpstream, "both-1": .statusMismatch, "card-1": .undelivered])
        #expect(report.totals["untracked"]?.amount == 1000)
        #expect(report.localCount == 3 && report.upstreamCount == 3)
        #expect(w.upstream.calls(to: .checkID).map(\.argument).contains("loc-1"), "asked before calling it missing")

        #expect(try await reconciler.adopt(report, actor: "reconcile", requestID: "r-1") == [TopupID("up-1")!])
        let adopted = try #require(try await w.order("up-1"))
        #expect(adopted.userId.rawValue == "adopted" && adopted.channels.isEmpty && adopted.topupRef == "REF-UP-1")
        #expect(adopted.value == 1000 && adopted.status == .handling)
        let events = try await w.events("up-1")
        #expect(events.map(\.event.kind) == [.orderRegistered] && events.first?.event.actor == "reconcile")
        #expect(try await reconciler.adopt(report, actor: "reconcile", requestID: "r-2").isEmpty, "adopted once")
        #expect(try await w.events("up-1").count == 1)
    }
}
