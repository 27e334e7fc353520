import Audit
import BitaqaCore
import BitaqaTestSupport
import CardVault
import Foundation
import Orders
import Storage
import Testing

@Suite("Webhook signing, outbox and stuck orders")
struct WebhookTests {
    @Test("signatures match the Standard Webhooks test vector; secrets must be whsec_ and 24 bytes; never printed")
    func signing() throws {
        let secret = try #require(WebhookSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
        let header = WebhookSignature.header(
            id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: #"{"test": 2432232314}"#,
            secrets: [secret])
        #expect(header == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        let other = try #require(WebhookSecret(WebhookSecret.generate()))
        let both = WebhookSignature.header(id: "msg_1", timestamp: 1, body: "{}", secrets: [secret, other])
        #expect(both.split(separator: " ").count == 2 && both.split(separator: " ").allSatisfy { $0.hasPrefix("v1,") })
        #expect(WebhookSecret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") == nil)
        #expect(WebhookSecret("whsec_" + Data(repeating: 1, count: 23).base64EncodedString()) == nil)
        #expect(WebhookSecret("whsec_not base64!") == nil)
        #expect("\(secret)" == "WebhookSecret(redacted)" && !String(reflecting: secret).contains("MfKQ"))
    }

    @Test("the outbox writes in the audit event's transaction: a failing listener rolls the event back")
    func sameTransaction() async throws {
        struct Refusing: AuditListener {
            struct Refused: Error {}
            func appended(_ event: AuditEvent, at now: Int64, in transaction: Transaction) async throws {
                throw Refused()
            }
        }
        try await TestDatabase.sqlite.withStore { store, _ in
            let trail = AuditTrail(store: store, keys: nil).notifying(Refusing())
            await #expect(throws: Refusing.Refused.self) {
                try await trail.append(AuditEvent(.orderRegistered, actor: "test"), now: 1)
            }
            let head = try await AuditTrail(store: store, keys: nil).head()
            #expect(head == nil)
        }
    }

    @Test(
        "stuck orders are reported once each: HANDLING past 10 minutes, QUEUED past 72 hours",
        arguments: TestDatabase.available)
    func stuck(database: TestDatabase) async throws {
        try await database.withStore { store, _ in
            let now = TimeSource.system.now()
            let orders = SQLOrderRepository(store: store)
            for (id, age, status) in [
                ("slow", Int64(11 * 60_000), "HANDLING"), ("young", Int64(60_000), "HANDLING"),
                ("waiting", Int64(73 * 3_600_000), "QUEUED"), ("queued", Int64(3_600_000), "QUEUED"),
            ] {
                _ = try await orders.register(
                    NewOrder(
                        topupId: TopupID(id)!, topupRef: "ref-\(id)", userId: UserID("u")!, locale: .fr, channels: [],
                        fingerprint: id),
                    now: now - age, firstCheckAt: now)
                try await store.sql.raw("UPDATE orders SET status = \(bind: status) WHERE topup_id = \(bind: id)").run()
            }
            let repositories = Repositories(store: store)
            let keys = WebhookMessageKeys(ring: try KeyRing(keys: [SecretBytes.random(count: 32)]))
            let outbox = WebhookOutbox(
                repository: repositories.webhooks, types: Set(WebhookEventType.allCases), keys: keys)
            let watcher = StuckOrderWatcher(
                context: DomainContext(store: store), outbox: outbox, logger: TestDatabase.quietLogger)
            #expect(try await watcher.scan() == 2)
            #expect(try await watcher.scan() == 0, "reported once")
            let messages = try await repositories.webhooks.messages(state: .pending, limit: 10, after: nil)
            #expect(Set(messages.compactMap(\.topupId)) == ["slow", "waiting"])
            #expect(messages.allSatisfy { $0.type == "order.stuck" && $0.body.contains(#""status":"#) })
            #expect(messages.allSatisfy(keys.isAuthentic), "queued with their MAC")
            var forged = try #require(messages.first)
            forged.body = forged.body.replacingOccurrences(of: "order.stuck", with: "order.refunded")
            #expect(!keys.isAuthentic(forged), "a changed body no longer verifies")
            let page = try await repositories.webhooks.messages(state: nil, limit: 1, after: nil)
            let next = try await repositories.webhooks.messages(state: nil, limit: 1, after: page.first?.id)
            #expect(page.count == 1 && next.count == 1 && page.first?.id != next.first?.id)
        }
    }
}
