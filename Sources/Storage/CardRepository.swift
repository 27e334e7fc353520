import BitaqaCore
import Foundation
import SQLKit

/// A sealed card as stored: opaque bytes, the key id that sealed them, and what binds them to an order.
public struct StoredCard: Sendable, Equatable {
    public let topupId: TopupID
    public let userId: UserID
    public let sealed: [UInt8]
    public let keyID: String
}

/// Where sealed cards live (columns of `orders`). Knows nothing of cryptography.
///
/// Blobs are bound as `Data`: both drivers store that as `BLOB`/`BYTEA`, whereas `[UInt8]` would be
/// encoded as a JSON array in a text column.
public struct CardRepository: Sendable {
    let store: Store

    public init(store: Store) {
        self.store = store
    }

    /// Records a fulfilled card on its order.
    public func storeCard(
        _ topupId: TopupID, sealed: [UInt8], keyID: String, transactionNumber: String?, processedDate: String?,
        now: Int64, in sql: (any SQLDatabase)? = nil
    ) async throws {
        try await (sql ?? store.sql).raw("""
            UPDATE orders SET sealed_card = \(bind: Data(sealed)), card_key_id = \(bind: keyID),
                transaction_number = \(bind: transactionNumber), processed_date = \(bind: processedDate),
                status = \(bind: OrderStatus.fulfilled.rawValue), updated_at = \(bind: now)
            WHERE topup_id = \(bind: topupId.rawValue)
            """).run()
    }

    /// The sealed card of an order, if it has one.
    public func card(of topupId: TopupID) async throws -> StoredCard? {
        try await store.sql.raw("""
            SELECT topup_id, user_id, sealed_card, card_key_id FROM orders
            WHERE topup_id = \(bind: topupId.rawValue) AND sealed_card IS NOT NULL
            """).first().map(Self.decode)
    }

    /// Up to `limit` cards not sealed under `keyID`, in `topup_id` order after `cursor`; a rotation walks
    /// the table with this so each card is visited once per run, whatever happens to the ones it skips.
    public func cards(notUnder keyID: String, after cursor: String?, limit: Int, in sql: any SQLDatabase) async throws -> [StoredCard] {
        try await sql.raw("""
            SELECT topup_id, user_id, sealed_card, card_key_id FROM orders
            WHERE sealed_card IS NOT NULL AND card_key_id <> \(bind: keyID) AND topup_id > \(bind: cursor ?? "")
            ORDER BY topup_id LIMIT \(bind: limit)
            """).all().map(Self.decode)
    }

    /// Replaces a sealed card only if it still holds `expected`: a concurrent rotation or write wins
    /// instead of being overwritten. Returns whether the row changed. One `UPDATE` of both columns, so
    /// a reader sees the old pair or the new pair, never a mix.
    public func replace(
        _ topupId: TopupID, expected: [UInt8], with sealed: [UInt8], keyID: String, now: Int64, in sql: any SQLDatabase
    ) async throws -> Bool {
        let rows = try await sql.raw("""
            UPDATE orders SET sealed_card = \(bind: Data(sealed)), card_key_id = \(bind: keyID), updated_at = \(bind: now)
            WHERE topup_id = \(bind: topupId.rawValue) AND sealed_card = \(bind: Data(expected))
            RETURNING topup_id
            """).all()
        return !rows.isEmpty
    }

    /// How many cards each key id holds.
    public func countByKey() async throws -> [String: Int] {
        let rows = try await store.sql.raw("""
            SELECT card_key_id, COUNT(*) AS cards FROM orders WHERE sealed_card IS NOT NULL GROUP BY card_key_id
            """).all()
        var counts: [String: Int] = [:]
        for row in rows {
            counts[try row.decode(column: "card_key_id", as: String.self)] = try row.decode(column: "cards", as: Int.self)
        }
        return counts
    }

    static func decode(_ row: any SQLRow) throws -> StoredCard {
        guard let topupId = TopupID(try row.decode(column: "topup_id", as: String.self)),
            let userId = UserID(try row.decode(column: "user_id", as: String.self))
        else { throw StorageError.corruptRow(table: "orders") }
        return StoredCard(
            topupId: topupId,
            userId: userId,
            sealed: Array(try row.decode(column: "sealed_card", as: Data.self)),
            keyID: try row.decode(column: "card_key_id", as: String.self)
        )
    }
}
