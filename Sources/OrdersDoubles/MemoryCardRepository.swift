import BitaqaCore
import Orders

/// Sealed cards in memory: they live on their orders, as in Storage, so a card and its order's status
/// change together.
public struct MemoryCardRepository: CardRepository {
    let database: MemoryDatabase

    public init(database: MemoryDatabase) {
        self.database = database
    }

    public func card(of topupId: TopupID) async throws -> StoredCard? {
        try database.read { $0.orders[topupId.rawValue]?.record.storedCard }
    }

    public func cards(notUnder keyID: String, after cursor: String?, limit: Int, in transaction: Transaction)
        async throws -> [StoredCard]
    {
        try database.read(in: transaction) { tables in
            Array(
                tables.orders.values.compactMap(\.record.storedCard)
                    .filter { $0.keyID != keyID && $0.topupId.rawValue > (cursor ?? "") }
                    .sorted { $0.topupId.rawValue < $1.topupId.rawValue }
                    .prefix(max(0, limit)))
        }
    }

    public func replace(
        _ topupId: TopupID, expected: [UInt8], with sealed: [UInt8], keyID: String, now: Int64,
        in transaction: Transaction
    ) async throws -> Bool {
        try database.write(in: transaction) { tables in
            guard var row = tables.orders[topupId.rawValue], row.record.sealedCard == expected else { return false }
            row.record.sealedCard = sealed
            row.record.cardKeyId = keyID
            row.record.updatedAt = now
            tables.orders[topupId.rawValue] = row
            return true
        }
    }

    public func countByKey() async throws -> [String: Int] {
        try database.read { tables in
            tables.orders.values.compactMap(\.record.storedCard)
                .reduce(into: [:]) { counts, card in counts[card.keyID, default: 0] += 1 }
        }
    }
}
