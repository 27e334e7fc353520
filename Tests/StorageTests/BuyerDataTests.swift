import Audit
import BitaqaCore
import BitaqaTestSupport
import CardVault
import CoreMetrics
import Foundation
import Orders
import SQLKit
import Storage
import Testing

/// A buyer's requests and the contacts' retention over the SQL repositories, on SQLite and PostgreSQL,
/// with contacts sealed as the server stores them.
@Suite("Buyers' data: export, erasure, retention")
struct BuyerDataTests {
    static let ring = SealedContactsTests.ring
    static let cardCode = "CANARY-CARD-6120-4491"

    struct Shop {
        let store: Store
        let context: DomainContext
        let buyers: BuyerData
        let vault: CardVault

        init(store: Store, now: Int64 = 1_000) {
            self.store = store
            let repositories = Repositories(store: store)
            let trail = AuditTrail(
                repository: repositories.audit, transactions: repositories.transactions,
                keys: AuditKeys(ring: BuyerDataTests.ring))
            context = DomainContext(repositories: repositories, trail: trail, time: TimeSource { now })
            vault = CardVault(keyRing: BuyerDataTests.ring)
            buyers = BuyerData(
                context: context, binder: ContactBinder(ring: BuyerDataTests.ring),
                metrics: ContactMetrics(factory: NOOPMetricsHandler.instance))
        }

        func register(_ id: String, user: String, email: String?, phone: String?) async throws {
            try await SealedContactsTests.register(
                SealedContactsTests.newOrder(id, user: user, email: email, phone: phone), in: store)
        }

        /// The order FULFILLED with a sealed card, changed last at `at`.
        func fulfil(_ id: String, at: Int64) async throws {
            let topupId = TopupID(id)!
            let order = try #require(try await context.repositories.orders.find(topupId))
            let sealed = try vault.seal(CardCode(BuyerDataTests.cardCode), topupId: topupId, userId: order.userId)
            // The tracker's claim, which `markFulfilled` checks.
            try await store.sql.raw("UPDATE orders SET lease_owner = 'test' WHERE topup_id = \(bind: id)").run()
            _ = try await store.transaction { transaction in
                try await context.repositories.pipeline.markFulfilled(
                    topupId, owner: "test", sealed: sealed.bytes, keyID: sealed.keyID.hex, transactionNumber: "T-1",
                    processedDate: nil, type: .adsl, number: nil, value: 1000, now: at, in: transaction)
            }
            try await store.sql.raw("UPDATE orders SET updated_at = \(bind: at) WHERE topup_id = \(bind: id)").run()
        }

        func kinds() async throws -> [AuditRecord] {
            try await context.trail.events(after: 0, limit: 1_000)
        }
    }

    @Test(
        "export shows one buyer's orders, contacts and deliveries, never a card code or another buyer; audited",
        arguments: TestDatabase.available)
    func export(database: TestDatabase) async throws {
        try await database.withStore(contacts: ContactSeal(ring: Self.ring)) { store, _ in
            let shop = Shop(store: store)
            try await shop.register("a-1", user: "alice", email: "alice@example.dz", phone: "+213551000001")
            try await shop.register("a-2", user: "alice", email: "alice@example.dz", phone: nil)
            try await shop.register("b-1", user: "bob", email: "bob@example.dz", phone: "+213551000002")
            try await shop.fulfil("a-1", at: 2_000)
            _ = try await store.transaction { transaction in
                try await shop.context.repositories.pipeline.insertDeliveries(
                    TopupID("a-1")!, channels: [.email], purpose: .card, now: 2_000, in: transaction)
            }
            let export = try await shop.buyers.export(UserID("alice")!, actor: "owner", requestID: "r-1")
            #expect(export.userId == "alice" && Set(export.orders.map(\.id)) == ["a-1", "a-2"])
            let first = try #require(export.orders.first { $0.id == "a-1" })
            #expect(first.email == "alice@example.dz" && first.phone == "+213551000001")
            #expect(first.deliveries.map(\.channel) == ["email"] && first.product == "internet")
            let json = String(decoding: try JSONEncoder().encode(export), as: UTF8.self)
            #expect(!json.contains(Self.cardCode) && !json.contains("bob") && !json.contains("cardCode"))
            let event = try #require(try await shop.kinds().last)
            #expect(event.event.kind == .buyerExported && event.event.details["user_id"] == "alice")
            #expect(event.event.details["orders"] == "2" && event.event.actor == "owner")
        }
    }

    @Test(
        "erasure removes the contacts everywhere; orders, cards and the trail stay; resends are refused",
        arguments: TestDatabase.available)
    func erase(database: TestDatabase) async throws {
        try await database.withStore(contacts: ContactSeal(ring: Self.ring)) { store, location in
            let shop = Shop(store: store)
            try await shop.register("e-1", user: "erin", email: "Erin.Canary@example.dz", phone: "+213551999001")
            try await shop.register("e-2", user: "erin", email: nil, phone: "+213551999001")
            try await shop.register("k-1", user: "kept", email: "kept@example.dz", phone: nil)
            try await shop.fulfil("e-1", at: 2_000)
            let erasure = try await shop.buyers.erase(UserID("erin")!, actor: "owner", requestID: nil)
            #expect(erasure.userId == "erin" && erasure.orders == 2 && erasure.erased == 2)
            #expect(erasure.emails == 1 && erasure.phones == 2)
            let orders = shop.context.repositories.orders
            for id in ["e-1", "e-2"] {
                let order = try #require(try await orders.find(TopupID(id)!))
                #expect(order.email == nil && order.phone == nil && order.contactsErasedAt == 1_000)
                #expect(
                    ContactBinder(ring: Self.ring).problem(with: order) == nil,
                    "bound to no contact: a delivery is refused for want of one, not as tampering")
                let raw = try await SealedContactsTests.rawContacts(store, id)
                #expect(raw.email == nil && raw.phone == nil && raw.sealed == 0)
            }
            #expect(try await orders.find(TopupID("k-1")!)?.email == "kept@example.dz", "another buyer keeps theirs")
            #expect(try await shop.context.repositories.cards.card(of: TopupID("e-1")!) != nil, "the card stays")
            var search = OrderSearch(limit: 10)
            search.query = "0551999001"
            #expect(try await orders.search(search).isEmpty, "the index entry went with the contact")
            await #expect(throws: Resender.Refusal.noContact(.email)) {
                try await Resender(context: shop.context).resend(
                    TopupID("e-1")!, channel: .email, actor: "owner", requestID: nil)
            }
            let erased = try await shop.kinds().filter { $0.event.kind == .contactsErased }
            #expect(erased.count == 2)
            let trail = erased.map { $0.event.details.values.joined(separator: " ") }.joined(separator: " ")
            #expect(trail.contains("E***y@example.dz") && !trail.contains("Erin.Canary"))
            #expect(!trail.contains("551999001") && trail.contains("+21355*****01"))
            let verified = try await AuditVerifier(trail: shop.context.trail).verify()
            guard case .intact = verified else {
                Issue.record("the trail no longer verifies: \(verified)")
                return
            }
            let again = try await shop.buyers.erase(UserID("erin")!, actor: "owner", requestID: nil)
            #expect(again.erased == 0)
            let hits = CanarySearch(["email": "Erin.Canary@example.dz", "phone": "551999001"])
                .hits(in: try await CanarySearch.databaseContents(location))
            #expect(hits.isEmpty, "\(hits)")
        }
    }

    @Test(
        "retention erases settled orders' contacts past it, in batches; pending and recent orders keep theirs",
        arguments: TestDatabase.available)
    func retention(database: TestDatabase) async throws {
        try await database.withStore(contacts: ContactSeal(ring: Self.ring)) { store, _ in
            let day: Int64 = 86_400_000
            let now = 400 * day
            let shop = Shop(store: store, now: now)
            // Settled 200 days ago: due. Settled 10 days ago: kept. HANDLING for 300 days: kept (pending).
            for index in 0..<5 {
                try await shop.register("old-\(index)", user: "u\(index)", email: "old\(index)@example.dz", phone: nil)
                try await shop.fulfil("old-\(index)", at: now - 200 * day)
            }
            try await shop.register("recent", user: "r", email: "recent@example.dz", phone: nil)
            try await shop.fulfil("recent", at: now - 10 * day)
            try await shop.register("pending", user: "p", email: "pending@example.dz", phone: nil)
            try await store.sql.raw(
                "UPDATE orders SET updated_at = \(bind: now - 300 * day) WHERE topup_id = 'pending'"
            )
            .run()
            // Settled long ago but a delivery still waits: kept until it is sent or fails.
            try await shop.register("sending", user: "s", email: "sending@example.dz", phone: nil)
            try await shop.fulfil("sending", at: now - 200 * day)
            _ = try await store.transaction { transaction in
                try await shop.context.repositories.pipeline.insertDeliveries(
                    TopupID("sending")!, channels: [.email], purpose: .card, now: now - 200 * day, in: transaction)
            }
            try await store.sql.raw(
                "UPDATE orders SET updated_at = \(bind: now - 200 * day) WHERE topup_id = 'sending'"
            )
            .run()
            let retention = ContactRetention(
                context: shop.context, binder: ContactBinder(ring: Self.ring), retention: .seconds(180 * 86_400),
                interval: .seconds(60), metrics: ContactMetrics(factory: NOOPMetricsHandler.instance),
                logger: TestDatabase.quietLogger, batchSize: 2)
            let pass = try await retention.pass()
            #expect(pass.erased == 5)
            let orders = shop.context.repositories.orders
            for index in 0..<5 { #expect(try await orders.find(TopupID("old-\(index)")!)?.email == nil) }
            for id in ["recent", "pending", "sending"] {
                #expect(try await orders.find(TopupID(id)!)?.email == "\(id)@example.dz", "\(id) keeps its contact")
            }
            #expect(try await retention.pass().erased == 0, "nothing left: a second pass erases nothing")
            let erased = try await shop.kinds().filter { $0.event.kind == .contactsErased }
            #expect(erased.count == 5 && erased.allSatisfy { $0.event.details["reason"] == "retention" })
        }
    }
}
