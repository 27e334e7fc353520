import Audit
import BitaqaCore
import BitaqaTestSupport
import CardVault
import Foundation
import Orders
import Storage

/// Gift-card orders in every state the console shows, written through the gift-card repository as the
/// placement and the tracker write them, with their contacts bound and their cards sealed under the
/// app's key (canary codes and serials that no page may ever show).
enum ConsoleGiftCardSeeding {
    struct Seeded: Sendable {
        let ref: String
        let orderId: String?
        let status: OrderStatus
        let quantity: Int
        let fulfilled: Int?
        let email: String
        let phone: String
        let locale: CustomerLocale
        /// How many minutes before now the order was placed: the list shows the youngest first.
        let age: Int64
    }

    static let orders: [Seeded] = [
        Seeded(
            ref: "gc-full", orderId: "up-full", status: .fulfilled, quantity: 2, fulfilled: 2,
            email: "Buyer.One@Shop.dz", phone: "+213551234567", locale: .ar, age: 60),
        Seeded(
            ref: "gc-part", orderId: "up-part", status: .partiallyFilled, quantity: 4, fulfilled: 2,
            email: "two@shop.dz", phone: "+213661000002", locale: .fr, age: 50),
        Seeded(
            ref: "gc-uncertain", orderId: nil, status: .uncertain, quantity: 3, fulfilled: nil,
            email: "three@shop.dz", phone: "+213771000003", locale: .en, age: 40),
        Seeded(
            ref: "gc-wait", orderId: "up-wait", status: .handling, quantity: 1, fulfilled: nil,
            email: "four@shop.dz", phone: "+213551000004", locale: .fr, age: 30),
        Seeded(
            ref: "gc-placing", orderId: nil, status: .placing, quantity: 1, fulfilled: nil,
            email: "five@shop.dz", phone: "+213551000005", locale: .fr, age: 20),
        Seeded(
            ref: "gc-not", orderId: nil, status: .notPlaced, quantity: 5, fulfilled: nil,
            email: "six@shop.dz", phone: "+213551000006", locale: .fr, age: 10),
    ]

    /// Newest first, as the list shows them.
    static var newestFirst: [String] { orders.sorted { $0.age < $1.age }.map(\.ref) }

    /// The candidates of the `UNCERTAIN` order: two upstream orders that may be its `placeOrder`.
    static let candidates = ["up-cand-a", "up-cand-b"]

    /// Codes and serials sealed in the vault; never on a page.
    static let canaries = [
        "GCCANARY-CODE-0001", "GCCANARY-CODE-0002", "GCCANARY-SER-0001", "GCCANARY-SER-0002", "GCCANARY-CODE-0003",
        "GCCANARY-CODE-0004", "GCCANARY-SER-0003", "GCCANARY-SER-0004",
    ]

    static let productTitle = "PlayStation Network DZ"
    static let typeName = "PSN 1000 DA"
    static let price = 1050.0

    static func seed(_ store: Store) async throws {
        let ring = try KeyRing(keys: [CustomerAPITests.key])
        let binder = ContactBinder(ring: ring)
        let vault = CardVault(keyRing: ring)
        let repositories = Repositories(store: store)
        let trail = AuditTrail(store: store, keys: nil)
        let now = TimeSource.system.now()
        // Never due while the test runs: the app's tracker leaves the seeded orders as they are.
        let later = now + 86_400_000
        var canaries = Self.canaries[...]
        for seeded in orders {
            let at = now - seeded.age * 60_000
            let user = UserID("gc-buyer-\(seeded.ref)")!
            let key = GiftCardKey.key(for: seeded.ref)!
            var new = NewGiftCardOrder(
                ref: seeded.ref, userId: user, productId: "psn-dz", productTitle: productTitle, typeId: "psn-1000",
                typeName: typeName, quantity: seeded.quantity, pricePerCard: price, email: seeded.email,
                phone: seeded.phone, locale: seeded.locale, channels: [.email, .sms], fingerprint: seeded.ref)
            new.contactBinding = binder.bind(
                topupId: key, userId: user, email: seeded.email, phone: seeded.phone, channels: [.email, .sms])
            let placed = seeded.orderId != nil
            var cards: [SealedGiftCard] = []
            for position in stride(from: 1, through: seeded.fulfilled ?? 0, by: 1) {
                let code = try vault.seal(
                    CardCode(canaries.removeFirst()), giftCardOf: key, userId: user, position: position, part: .code)
                let serial = try vault.seal(
                    CardCode(canaries.removeFirst()), giftCardOf: key, userId: user, position: position,
                    part: .serial)
                cards.append(
                    SealedGiftCard(position: position, code: code.bytes, serial: serial.bytes, keyID: code.keyID.hex))
            }
            try await repositories.transaction { [new, cards] transaction in
                _ = try await repositories.giftCards.insert(
                    new, status: placed ? .handling : .placing, orderId: seeded.orderId, binding: nil,
                    nextCheckAt: later,
                    now: at,
                    in: transaction)
                _ = try await trail.append(
                    AuditEvent(
                        .orderRegistered, topupId: key, actor: "merchant",
                        details: ["product": "gift-card", "quantity": "\(seeded.quantity)"]),
                    now: at, in: transaction)
                switch seeded.status {
                case .fulfilled, .partiallyFilled:
                    _ = try await repositories.giftCards.recordOutcome(
                        ref: seeded.ref,
                        GiftCardOutcome(
                            status: seeded.status, fulfilledQuantity: seeded.fulfilled ?? 0, pricePerCard: price,
                            cards: cards),
                        now: at + 5_000, in: transaction)
                case .uncertain, .notPlaced:
                    let found = seeded.status == .uncertain ? Self.candidates : []
                    _ = try await repositories.giftCards.recordUnresolved(
                        ref: seeded.ref, status: seeded.status,
                        candidates: found.enumerated().map {
                            GiftCardCandidate(
                                orderId: $0.element, createdAt: at + Int64($0.offset + 1) * 1_000,
                                quantity: seeded.quantity, status: "HANDLING")
                        }, now: at + 120_000, in: transaction)
                default:
                    break
                }
            }
        }
    }
}
