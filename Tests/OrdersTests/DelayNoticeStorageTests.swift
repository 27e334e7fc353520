import Audit
import BitaqaCore
import BitaqaTestSupport
import OneClickDZSandbox
import Orders
import Storage
import Testing

/// The delay notice over the real database: `queued_at` set when the tracker first sees QUEUED, one
/// notice however often it is looked for, and the deliverer writes it.
@Suite("Delay notices on the database")
struct DelayNoticeStorageTests {
    @Test(
        "an order QUEUED past the delay: one notice, delivered in the buyer's language",
        arguments: TestDatabase.available)
    func queuedPastTheDelay(database: TestDatabase) async throws {
        var settings = SandboxSettings.fast()
        settings.queuedFor = 120
        try await PipelineHarness.run(on: database, sandbox: settings) { h in
            let id = try await h.place(number: SandboxNumbers.queued.adsl, channels: [.email])
            #expect(try await h.runUntil { try await h.order(id).status == .queued })
            let notices = DelayNotices(
                context: DomainContext(store: h.store), after: .milliseconds(300), interval: .seconds(1),
                logger: TestDatabase.quietLogger)
            #expect(try await notices.scan() == 0, "not QUEUED long enough yet")
            try await Task.sleep(for: .milliseconds(400))
            #expect(try await notices.scan() == 1)
            #expect(try await notices.scan() == 0, "told once")
            #expect(try await h.auditKinds(id).contains(.delayNoticeQueued))
            #expect(
                try await h.runUntil {
                    h.outboxFiles(id).contains { $0.0 == "email" && $0.1.contains(".email.queued@bitaqa") }
                })
            let notice = try await h.deliveries(id).first { $0.purpose == .delayNotice }
            #expect(notice?.state == .delivered)
        }
    }
}
