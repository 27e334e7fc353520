import Audit
import BitaqaCore
import BitaqaTestSupport
import CardVault
import Foundation
import Messaging
import NIOConcurrencyHelpers
import Orders
import SQLKit
import Storage
import Testing

/// A channel that records where each message went.
final class RecordingChannel: MessageChannel {
    let recipients = NIOLockedValueBox<[String]>([])

    func send(_ message: OutgoingMessage) async throws(DeliveryFailure) -> String? {
        recipients.withLockedValue { $0.append(message.recipient) }
        return "recorded"
    }
}

/// The attack of issue 16: someone who can write the database but holds no key rewrites a buyer's
/// phone and queues an SMS. The card must not go there.
@Suite("Contacts bound to the order")
struct ContactBindingTests {
    static let key = SecretBytes(hex: String(repeating: "4b", count: 32), byteCount: 32)!
    static let attacker = "+213699999999"

    static func setUp(_ store: Store) async throws -> (DomainContext, CardVault, TopupID) {
        let vault = CardVault(keyRing: try KeyRing(keys: [key]))
        let context = DomainContext(store: store)
        var order = NewOrder(
            topupId: TopupID("bound-1")!, userId: UserID("buyer-1")!, email: "buyer@shop.dz", phone: "+213551234567",
            locale: .fr, channels: [.email, .sms], fingerprint: "")
        order.fingerprint = OrderFingerprint.of(order)
        _ = try await OrderRegistrar(
            context: context, firstCheckDelay: .zero, binder: ContactBinder(ring: vault.keyRing)
        )
        .register(order, actor: "merchant", requestID: nil)
        try await CardStoring.store(CardCode("876543210987"), for: order.topupId, vault: vault, in: store)
        return (context, vault, order.topupId)
    }

    static func deliverer(_ store: Store, vault: CardVault, email: RecordingChannel, sms: RecordingChannel) -> Deliverer
    {
        Deliverer(
            store: store, cards: CardReader(vault: vault, audit: AuditTrail(store: store, keys: nil)),
            binder: ContactBinder(ring: vault.keyRing), channels: [.email: email, .sms: sms],
            logger: TestDatabase.quietLogger, owner: "binding-test"
        )
    }

    /// Delivery passes until one finds nothing, at most 20: a pass that always finds work fails the test instead
    /// of holding it.
    static func drain(_ deliverer: Deliverer, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        for _ in 0..<20 {
            if try await deliverer.pass() == 0 { return }
        }
        Issue.record("the deliverer still found work after 20 passes", sourceLocation: sourceLocation)
    }

    @Test(
        "a phone rewritten in the database and an SMS queued there: nothing is sent, the refusal is audited",
        arguments: TestDatabase.available)
    func redirectRefused(database: TestDatabase) async throws {
        try await database.withStore { store, _ in
            let (context, vault, id) = try await Self.setUp(store)
            // The attack, through the database alone.
            try await store.sql.raw(
                "UPDATE orders SET phone = \(bind: Self.attacker) WHERE topup_id = \(bind: id.rawValue)"
            ).run()
            try await store.transaction { transaction in
                try await SQLPipelineRepository(store: store).insertDeliveries(
                    id, channels: [.sms], purpose: .card, now: 1, in: transaction)
            }
            let email = RecordingChannel()
            let sms = RecordingChannel()
            let deliverer = Self.deliverer(store, vault: vault, email: email, sms: sms)
            try await Self.drain(deliverer)
            #expect(sms.recipients.withLockedValue { $0 }.isEmpty, "the card was texted to the rewritten number")
            #expect(email.recipients.withLockedValue { $0 }.isEmpty, "a tampered order sends nothing at all")
            let deliveries = try await context.repositories.orders.deliveries(of: id)
            #expect(deliveries.count == 3 && deliveries.allSatisfy { $0.state == .failed })
            let failures = try await context.trail.events(of: id).filter { $0.event.kind == .deliveryFailed }
            #expect(failures.count == 3 && failures.allSatisfy { $0.event.details["reason"] == "recipient_not_bound" })
            #expect(failures.contains { $0.event.details["recipient"] == "+21369*****99" })
            #expect(!failures.contains { $0.event.details.values.contains(Self.attacker) }, "a recipient in clear")
        }
    }

    @Test(
        "the audited correction binds the new contact: the card then goes there, and the trail names it masked",
        arguments: TestDatabase.available)
    func correctionThenDelivery(database: TestDatabase) async throws {
        try await database.withStore { store, _ in
            let (context, vault, id) = try await Self.setUp(store)
            let corrected = try await ContactCorrection(context: context, binder: ContactBinder(ring: vault.keyRing))
                .correct(id, .init(email: nil, phone: "+213661112233"), actor: "merchant", requestID: "r-1")
            #expect(corrected?.phone == "+213661112233")
            let email = RecordingChannel()
            let sms = RecordingChannel()
            let deliverer = Self.deliverer(store, vault: vault, email: email, sms: sms)
            try await Self.drain(deliverer)
            #expect(sms.recipients.withLockedValue { $0 } == ["+213661112233"])
            #expect(email.recipients.withLockedValue { $0 } == ["buyer@shop.dz"])
            let events = try await context.trail.events(of: id)
            let change = try #require(events.first { $0.event.kind == .contactChanged })
            #expect(
                change.event.details["phone_from"] == "+21355*****67"
                    && change.event.details["phone_to"] == "+21366*****33")
            let delivered = events.filter { $0.event.kind == .cardDelivered }.compactMap {
                $0.event.details["recipient"]
            }
            #expect(Set(delivered) == ["b***r@shop.dz", "+21366*****33"])
        }
    }

    @Test(
        "key rotation moves the binding to the new key and binds orders registered before binding existed",
        arguments: TestDatabase.available)
    func rotation(database: TestDatabase) async throws {
        try await database.withStore { store, _ in
            let (context, vault, id) = try await Self.setUp(store)
            // An order from before contact binding: no MAC at all.
            try await store.sql.raw(
                "UPDATE orders SET contact_mac = NULL, contact_key_id = NULL WHERE topup_id = \(bind: id.rawValue)"
            ).run()
            #expect(
                ContactBinder(ring: vault.keyRing).problem(
                    with: try #require(try await context.repositories.orders.find(id))) == .unbound)
            let newKey = SecretBytes.random(count: 32)
            let rotated = CardVault(keyRing: try KeyRing(keys: [newKey, Self.key]))
            let report = try await KeyRotator(context: context, vault: rotated).rotate(logger: TestDatabase.quietLogger)
            #expect(report.legacyBound == 1 && report.contactMismatches.isEmpty)
            let order = try #require(try await context.repositories.orders.find(id))
            #expect(order.contactBinding?.keyID == rotated.keyRing.activeKeyID.hex)
            #expect(ContactBinder(ring: rotated.keyRing).problem(with: order) == nil)
            // Old cards keep opening, and deliveries verify under the new ring.
            let email = RecordingChannel()
            let sms = RecordingChannel()
            let deliverer = Self.deliverer(store, vault: rotated, email: email, sms: sms)
            try await Self.drain(deliverer)
            #expect(sms.recipients.withLockedValue { $0 } == ["+213551234567"])
        }
    }
}
