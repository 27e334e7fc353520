import Audit
import BitaqaCore
import Orders
import OrdersDoubles
import Testing

@Suite("Delay notices")
struct DelayNoticeTests {
    /// Delay notices after 30 minutes of QUEUED, looked for every minute.
    static func notices(_ w: World) -> DelayNotices {
        DelayNotices(context: w.context, after: .seconds(1_800), interval: .seconds(60), logger: w.log.logger("delay"))
    }

    @Test("QUEUED past the delay: one notice per channel with a contact, audited with its deliveries, once")
    func once() async throws {
        let w = try World()
        try await w.register("dly-1", phone: nil)
        w.upstream.set("dly-1", to: .queued)
        try await w.tracker.pass()
        let notices = Self.notices(w)
        w.clock.advance(by: .seconds(1_799))
        #expect(try await notices.scan() == 0, "not yet: 30 minutes are counted from QUEUED")
        w.clock.advance(by: .seconds(1))
        #expect(try await notices.scan() == 1)
        #expect(try await notices.scan() == 0, "a buyer is told once")

        let deliveries = try await w.deliveries("dly-1").filter { $0.purpose == .delayNotice }
        #expect(deliveries.map(\.channel) == [.email], "email only: the order has no phone")
        let event = try #require(try await w.events("dly-1").last)
        #expect(event.event.kind == .delayNoticeQueued)
        #expect(event.event.details[AuditEvent.deliveriesKey] == deliveries.map(\.id).joined(separator: ","))

        // The deliverer accepts it (an authenticated event names it) and writes the queued wording.
        _ = try await w.deliverer.pass()
        let sent = try #require(w.email.sent.first { $0.topupId.rawValue == "dly-1" })
        #expect(sent.messageID.hasSuffix(".email.queued@bitaqa"))
        #expect(sent.text.contains("12 à 48 heures"), "\(sent.text)")
        #expect(try await w.deliveries("dly-1").first { $0.purpose == .delayNotice }?.state == .delivered)
    }

    @Test("fulfilled before the delay, or still HANDLING: no notice")
    func notQueuedLongEnough() async throws {
        let w = try World()
        try await w.register("dly-2")
        try await w.register("dly-3")
        w.upstream.set("dly-2", to: .queued)
        try await w.tracker.pass()
        w.upstream.fulfil("dly-2", code: CardCode("998877665544"))
        w.clock.advance(by: .seconds(1_000))
        try await w.tracker.pass()
        #expect(try await w.order("dly-2")?.status == .fulfilled)
        w.clock.advance(by: .seconds(3_600))
        #expect(try await Self.notices(w).scan() == 0)
        #expect(try await w.kinds("dly-2").contains(.delayNoticeQueued) == false)
        #expect(try await w.kinds("dly-3").contains(.delayNoticeQueued) == false)
    }
}
