import BitaqaCore
import BitaqaTestSupport
import CardVault
import Foundation
import Orders
import Storage

/// Gift-card orders in a database, stored the way the tracker leaves them: inserted as placed, then
/// made final in one write with cards sealed for their order, buyer and position.
enum GiftCardCustomerSeed {
    struct Order: Sendable {
        let ref: String
        let user: String
        let locale: CustomerLocale
        let status: OrderStatus
        let quantity: Int
        /// Position (from 1) of each card that came, and whether it has a serial.
        let serials: [Bool]
    }

    static let productId = "psn-dz"
    static let productTitle = "PlayStation Network DZ"
    static let typeName = "PSN 1000 DA"

    /// Alice's orders in each language and state, and Bob's fulfilled one; created in this order, a
    /// second apart, so the newest is the last.
    static let orders: [Order] = [
        Order(ref: "shop-1", user: "alice", locale: .en, status: .fulfilled, quantity: 3, serials: [true, true, true]),
        Order(
            ref: "shop-fr", user: "alice", locale: .fr, status: .fulfilled, quantity: 3, serials: [true, true, true]),
        Order(
            ref: "shop-ar", user: "alice", locale: .ar, status: .fulfilled, quantity: 3, serials: [true, true, true]),
        Order(
            ref: "shop-part", user: "alice", locale: .en, status: .partiallyFilled, quantity: 3, serials: [true, false]),
        Order(ref: "shop-wait", user: "alice", locale: .en, status: .handling, quantity: 1, serials: []),
        Order(ref: "shop-refund", user: "alice", locale: .fr, status: .refunded, quantity: 2, serials: []),
        Order(ref: "shop-bob", user: "bob", locale: .en, status: .fulfilled, quantity: 3, serials: [true, true, true]),
    ]

    static var aliceRefs: Set<String> { Set(orders.filter { $0.user == "alice" }.map(\.ref)) }

    /// A card's code: distinct per order and position, and found nowhere else (a canary).
    static func code(_ ref: String, _ position: Int) -> String {
        let index = orders.firstIndex { $0.ref == ref } ?? 9
        return "Q7X\(index)-K\(position)M9-ZP\(index)\(position)R-4WLT"
    }

    static func serial(_ ref: String, _ position: Int) -> String {
        let index = orders.firstIndex { $0.ref == ref } ?? 9
        return "SN\(index)\(position)-883107\(index)\(position)"
    }

    /// Every code and serial of every seeded order, named, for a canary search.
    static var canaries: [String: String] {
        var canaries: [String: String] = [:]
        for order in orders {
            for (index, hasSerial) in order.serials.enumerated() {
                canaries["\(order.ref) code \(index + 1)"] = code(order.ref, index + 1)
                if hasSerial { canaries["\(order.ref) serial \(index + 1)"] = serial(order.ref, index + 1) }
            }
        }
        return canaries
    }

    static func seed(_ store: Store) async throws {
        let vault = CardVault(keyRing: try KeyRing(keys: [CustomerAPITests.key]))
        let repositories = Repositories(store: store)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        for (index, seeded) in orders.enumerated() {
            let created = now - Int64(orders.count - index) * 1_000
            let new = NewGiftCardOrder(
                ref: seeded.ref, userId: UserID(seeded.user)!, productId: productId, productTitle: productTitle,
                typeId: "psn-1000", typeName: typeName, quantity: seeded.quantity, pricePerCard: 1050, email: nil,
                phone: nil, locale: seeded.locale, channels: [], fingerprint: seeded.ref)
            // Checked again only in a day: no tracker asks the upstream about these orders during a test.
            _ = try await repositories.transaction { transaction in
                try await repositories.giftCards.insert(
                    new, status: .handling, orderId: "up-\(seeded.ref)", binding: nil, nextCheckAt: now + 86_400_000,
                    now: created,
                    in: transaction)
            }
            guard seeded.status != .handling else { continue }
            let key = GiftCardKey.key(for: seeded.ref)!
            let cards = try seeded.serials.enumerated().map { offset, hasSerial in
                let position = offset + 1
                let code = try vault.seal(
                    CardCode(code(seeded.ref, position)), giftCardOf: key, userId: new.userId, position: position,
                    part: .code)
                let serial =
                    hasSerial
                    ? try vault.seal(
                        CardCode(serial(seeded.ref, position)), giftCardOf: key, userId: new.userId,
                        position: position, part: .serial) : nil
                return SealedGiftCard(
                    position: position, code: code.bytes, serial: serial?.bytes, keyID: code.keyID.hex)
            }
            let outcome = GiftCardOutcome(
                status: seeded.status, fulfilledQuantity: cards.count, pricePerCard: 1050, cards: cards)
            let recorded = try await repositories.transaction { transaction in
                try await repositories.giftCards.recordOutcome(
                    ref: seeded.ref, outcome, now: created + 500, in: transaction)
            }
            precondition(recorded, "\(seeded.ref) was not made final")
        }
    }
}
