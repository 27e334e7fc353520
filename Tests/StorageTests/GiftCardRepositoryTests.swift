import Audit
import BitaqaCore
import BitaqaTestSupport
import CardVault
import Logging
import Orders
import OrdersDoubles
import SQLKit
import Storage
import Testing

/// The gift-card use cases over the SQL repositories, on SQLite and PostgreSQL: what the in-memory
/// doubles promise, held by the real tables.
@Suite("Gift-card repository")
struct GiftCardRepositoryTests {
    static let key = SecretBytes(hex: String(repeating: "7a", count: 32), byteCount: 32)!

    struct Shop {
        let clock = ManualClock()
        let context: DomainContext
        let upstream: FakeGiftCardUpstream
        let vault: CardVault
        let placement: GiftCardPlacement
        let tracker: GiftCardTracker
        var repository: any GiftCardRepository { context.repositories.giftCards }

        init(store: Store) throws {
            let ring = try KeyRing(keys: [GiftCardRepositoryTests.key])
            let repositories = Repositories(store: store)
            let trail = AuditTrail(
                repository: repositories.audit, transactions: repositories.transactions, keys: AuditKeys(ring: ring))
            context = DomainContext(repositories: repositories, trail: trail, time: clock.source)
            upstream = FakeGiftCardUpstream(time: clock.source)
            vault = CardVault(keyRing: ring)
            placement = GiftCardPlacement(
                context: context, upstream: upstream, catalogue: GiftCardCatalogue(upstream: upstream), account: nil,
                binder: ContactBinder(ring: ring), maxQuantity: 10, schedule: GiftCardSchedule())
            tracker = GiftCardTracker(
                context: context, upstream: upstream, vault: vault, schedule: GiftCardSchedule(),
                logger: TestDatabase.quietLogger)
        }

        func place(_ ref: String, quantity: Int = 3) async throws -> GiftCardOrder {
            try await placement.place(
                GiftCardPlacement.Request(
                    ref: ref, productId: "psn-dz", typeId: "psn-1000", quantity: quantity,
                    contact: OrderRegistrar.Contact(
                        userId: UserID("user-1")!, email: "buyer@example.dz", phone: "0551234567", locale: .ar,
                        channels: [.email, .sms])),
                by: MerchantOrders.Requester(
                    actor: "merchant", requestID: nil, clientRequestID: nil, session: nil, limited: false),
                logger: TestDatabase.quietLogger
            ).order
        }

        func track() async throws {
            clock.advance(by: .seconds(5))
            try await tracker.pass()
        }
    }

    @Test(
        "placed, found after a lost answer, settled from UNCERTAIN, and final with sealed cards",
        arguments: TestDatabase.available)
    func lifecycle(database: TestDatabase) async throws {
        try await database.withStore { store, _ in
            let shop = try Shop(store: store)
            let placed = try await shop.place("db-1")
            #expect(placed.status == .handling && placed.order.productLine == .giftCard)
            #expect(placed.order.topupRef == "db-1" && placed.key == GiftCardKey.key(for: "db-1"))
            shop.upstream.fail(.placeOrder, .lostAnswer(FakeGiftCardUpstream.lostAnswerError))
            #expect(try await shop.place("db-2", quantity: 2).status == .placing)
            shop.upstream.settle(
                placed.details.orderId!, codes: [("CANARY-1", "S-1"), ("CANARY-2", nil), ("CANARY-3", "S-3")])
            try await shop.track()
            let final = try #require(try await shop.repository.find(ref: "db-1"))
            #expect(
                final.status == .fulfilled && final.details.fulfilledQuantity == 3 && final.details.pricePerCard == 1050
            )
            let cards = try await shop.repository.cards(ofRef: "db-1")
            #expect(cards.map(\.position) == [1, 2, 3] && cards.map { $0.serial == nil } == [false, true, false])
            let opened = try shop.vault.open(
                cards[1].code, giftCardOf: final.key, userId: final.order.userId, position: 2, part: .code)
            #expect(opened.revealed == "CANARY-2")
            let found = try #require(try await shop.repository.find(ref: "db-2"))
            #expect(found.status == .handling && found.details.orderId == shop.upstream.orders[1].orderId)
            #expect(try await shop.repository.find(orderId: found.details.orderId!)?.details.ref == "db-2")
            // A final order cannot be recorded again, nor an id held by one order be given to another.
            let again = try await shop.context.repositories.transaction { transaction in
                try await shop.repository.recordOutcome(
                    ref: "db-1", GiftCardOutcome(status: .refunded, fulfilledQuantity: 0, pricePerCard: nil, cards: []),
                    now: 1, in: transaction)
            }
            #expect(!again)
            shop.upstream.fail(.placeOrder, .refused(FakeGiftCardUpstream.lostAnswerError))
            #expect(try await shop.place("db-3", quantity: 5).status == .placing)
            let a = try await shop.upstream.placeOrder(productId: "psn-dz", typeId: "psn-1000", quantity: 5)
            let b = try await shop.upstream.placeOrder(productId: "psn-dz", typeId: "psn-1000", quantity: 5)
            try await shop.track()
            let uncertain = try #require(try await shop.repository.find(ref: "db-3"))
            #expect(uncertain.status == .uncertain && Set(uncertain.details.candidates.map(\.orderId)) == [a, b])
            let stolen = try await shop.context.repositories.transaction { transaction in
                try await shop.repository.recordPlaced(
                    ref: "db-3", orderId: found.details.orderId!, binding: ContactBinding(mac: "m", keyID: "k"),
                    nextCheckAt: 1, now: 1, in: transaction)
            }
            #expect(!stolen, "an upstream id is one order's")
            #expect(
                try await shop.repository.knownOrderIds([a, b, found.details.orderId!]) == [found.details.orderId!])
            #expect(try await shop.repository.pending(limit: 10).map(\.details.ref).sorted() == ["db-2", "db-3"])
            // The top-up tracker never claims a gift-card order.
            let due = try await store.sql.raw(
                "SELECT topup_id FROM orders WHERE next_check_at IS NOT NULL"
            ).all()
            #expect(due.isEmpty)
        }
    }

    @Test(
        "rotation finds gift cards by key, in a resumable order, and swaps only the expected blob",
        arguments: TestDatabase.available)
    func rotation(database: TestDatabase) async throws {
        try await database.withStore { store, _ in
            let shop = try Shop(store: store)
            for ref in ["r-a", "r-b"] {
                let order = try await shop.place(ref, quantity: 2)
                shop.upstream.settle(order.details.orderId!, codes: [("C-\(ref)-1", "S"), ("C-\(ref)-2", "S")])
            }
            try await shop.track()
            let transactions = shop.context.repositories.transactions
            let firstBatch = try await transactions.transaction { transaction in
                try await shop.repository.cards(notUnder: "other", after: nil, limit: 3, in: transaction)
            }
            #expect(firstBatch.map { "\($0.order.details.ref)#\($0.card.position)" } == ["r-a#1", "r-a#2", "r-b#1"])
            let rest = try await transactions.transaction { transaction in
                try await shop.repository.cards(notUnder: "other", after: ("r-b", 1), limit: 3, in: transaction)
            }
            #expect(rest.map { "\($0.order.details.ref)#\($0.card.position)" } == ["r-b#2"])
            let target = firstBatch[0].card
            let replacement = SealedGiftCard(position: 1, code: [1, 2, 3], serial: nil, keyID: "other")
            let swapped = try await transactions.transaction { transaction in
                try await shop.repository.replace(
                    ref: "r-a", position: 1, expected: target.code, with: replacement, in: transaction)
            }
            let stale = try await transactions.transaction { transaction in
                try await shop.repository.replace(
                    ref: "r-a", position: 1, expected: target.code, with: replacement, in: transaction)
            }
            #expect(swapped && !stale)
            #expect(try await shop.repository.cards(ofRef: "r-a").first == replacement)
        }
    }
}

/// A database writer without the key, as an attacker would write: an order is pointed at another
/// upstream order of the shop's account (a bigger purchase placed around Bitaqa), or its binding is
/// copied from another order. No card of the other order may be stored for this order's buyer.
@Suite("Gift-card orders under a database writer")
struct GiftCardDatabaseWriterTests {
    @Test(
        "an order pointed at another upstream order stores no card and is refused in the trail",
        arguments: TestDatabase.available)
    func redirected(database: TestDatabase) async throws {
        try await database.withStore { store, _ in
            let shop = try GiftCardRepositoryTests.Shop(store: store)
            let victim = try await shop.place("dbw-1", quantity: 1)
            let other = try await shop.place("dbw-2", quantity: 1)
            let around = try await shop.upstream.placeOrder(productId: "psn-dz", typeId: "psn-1000", quantity: 1)
            shop.upstream.settle(around, codes: [("AROUND-CODE", "AROUND-SERIAL")])
            shop.upstream.settle(victim.details.orderId!, codes: [("VICTIM-CODE", nil)])
            shop.upstream.settle(other.details.orderId!, codes: [("OTHER-CODE", nil)])
            // dbw-1 now names the order placed around Bitaqa; dbw-2 also gets dbw-1's binding.
            try await store.sql.raw(
                "UPDATE gift_card_orders SET order_id = \(bind: around) WHERE ref = 'dbw-1'"
            ).run()
            try await store.sql.raw(
                """
                UPDATE gift_card_orders SET order_mac = (SELECT order_mac FROM gift_card_orders WHERE ref = 'dbw-1')
                WHERE ref = 'dbw-2'
                """
            ).run()
            try await shop.track()
            for ref in ["dbw-1", "dbw-2"] {
                let order = try #require(try await shop.repository.find(ref: ref))
                #expect(order.status == .handling, "\(ref): \(order.status)")
                #expect(try await shop.repository.cards(ofRef: ref).isEmpty, "\(ref) stored a card")
                let denied = try await shop.context.trail.events(of: order.key).filter {
                    $0.event.kind == .accessDenied && $0.event.details["reason"] == "gift_card_order_unbound"
                }
                #expect(denied.count == 1, "\(ref)")
                #expect(order.details.nextCheckAt == nil, "\(ref): tracking stopped")
            }
            let deliveries = try await shop.context.repositories.orders.deliveries(of: GiftCardKey.key(for: "dbw-1")!)
            #expect(deliveries.isEmpty)
        }
    }
}
