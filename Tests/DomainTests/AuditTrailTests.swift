import Audit
import BitaqaCore
import Orders
import OrdersDoubles
import Testing

@Suite("The audit trail after a run")
struct AuditTrailTests {
    /// Registers, tracks, delivers, resends, corrects and reveals: a bit of every use case.
    static func run(_ w: World) async throws {
        try await w.fulfilled("run-1")
        try await w.register("run-2")
        w.upstream.set("run-2", to: .queued)
        try await w.tracker.pass()
        try await w.deliverer.pass()
        _ = try await Resender(context: w.context).resend(
            TopupID("run-1")!, channel: .email, actor: "cli", requestID: nil)
        try await w.deliverer.pass()
        _ = try await ContactCorrection(context: w.context, binder: w.binder).correct(
            TopupID("run-2")!, .init(email: "new@shop.dz", phone: nil), actor: "merchant", requestID: nil)
        try await WebhookRetry(context: w.context).retry(
            try #require(try await w.webhooks().first?.id), actor: "console", requestID: nil, session: nil)
    }

    @Test("every event is chained, MACed under the ring's key, and the verifier finds the trail intact")
    func intact() async throws {
        let w = try World()
        try await Self.run(w)
        let events = try await w.allEvents()
        #expect(events.count == 11)
        #expect(events.map(\.sequence) == Array(1...Int64(events.count)))
        #expect(zip(events.dropFirst(), events).allSatisfy { $0.previousHash == $1.hash })
        #expect(events.first?.previousHash == AuditTrail.genesis)
        let rows = try await w.repositories.audit.rows(after: 0, limit: 100, from: nil, to: nil, topupId: nil)
        #expect(rows.allSatisfy { $0.mac != nil && $0.macKeyID != nil })
        let head = try #require(try await w.trail.head())
        #expect(try await w.verify() == .intact(events: head.sequence, lastHash: head.hash))
    }

    @Test("a row written without the chain's rules is found, and a taken sequence number is refused")
    func tampered() async throws {
        let w = try World()
        try await Self.run(w)
        let head = try #require(try await w.trail.head())
        let audit = w.repositories.audit
        let copy = AuditRow(
            sequence: head.sequence, at: w.now, kind: "CARD_VIEWED", topupId: "run-1", actor: "x", requestID: nil,
            details: "{}", previousHash: head.hash, hash: head.hash)
        await #expect(throws: MemoryDatabaseError.duplicateKey(table: "audit_events", key: String(head.sequence))) {
            try await audit.insertAlone([copy])
        }
        let forged = AuditRow(
            sequence: head.sequence + 1, at: w.now, kind: "CARD_VIEWED", topupId: "run-1", actor: "x",
            requestID: nil, details: "{}", previousHash: head.hash, hash: String(repeating: "f", count: 64))
        try await audit.insertAlone([forged])
        guard case .broken(let sequence, _) = try await w.verify() else {
            Issue.record("the forged row was not found")
            return
        }
        #expect(sequence == head.sequence + 1)
    }
}
