import BitaqaCore
import BitaqaTestSupport
import CardVault
import Foundation
import Orders
import Storage

/// Puts fulfilled orders with sealed cards into a database, as the tracker will.
enum CardSeeding {
    static let keyA = SecretBytes(hex: String(repeating: "a1", count: 32), byteCount: 32)!
    static let keyB = SecretBytes(hex: String(repeating: "b2", count: 32), byteCount: 32)!
    static let keyC = SecretBytes(hex: String(repeating: "c3", count: 32), byteCount: 32)!

    static func code(_ index: Int) -> CardCode {
        CardCode(String(format: "%012d", 700_000_000_000 + index))
    }

    static func topup(_ index: Int) -> TopupID { TopupID(String(format: "topup-%05d", index))! }
    static func user(_ index: Int) -> UserID { UserID("user-\(index % 13)")! }

    /// Registers `count` orders and stores each one's sealed card under the vault's active key.
    static func seed(_ store: Store, vault: CardVault, count: Int, from start: Int = 0) async throws {
        let orders = SQLOrderRepository(store: store)
        for index in start..<(start + count) {
            let order = NewOrder(
                topupId: topup(index), userId: user(index), locale: .fr, channels: [], fingerprint: "fp\(index)"
            )
            _ = try await orders.register(order, now: 1, firstCheckAt: 1)
            try await CardStoring.store(
                code(index), for: topup(index), transactionNumber: "AT-2025-\(index)",
                processedDate: "2025-11-01T12:00:45.000Z",
                vault: vault, in: store
            )
        }
    }
}
