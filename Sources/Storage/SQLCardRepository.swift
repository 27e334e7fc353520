import BitaqaCore
import Foundation
import Orders
import SQLKit

/// The one implementation.
public struct SQLCardRepository: CardRepository {
    let store: Store

    public init(store: Store) {
        self.store = store
    }

    /// Hot (``HotStatement``): the deliverer reads each card it sends.
    public func card(of topupId: TopupID) async throws -> StoredCard? {
        try await store.hotRows(CardOf.self, [.text(topupId.rawValue)]) { try Self.decode($0) }.first
    }

    public func cards(notUnder keyID: String, after cursor: String?, limit: Int, in transaction: Transaction)
        async throws -> [StoredCard]
    {
        try await transaction.sql.raw(
            """
            SELECT topup_id, user_id, sealed_card, card_key_id FROM orders
            WHERE sealed_card IS NOT NULL AND card_key_id <> \(bind: keyID) AND topup_id > \(bind: cursor ?? "")
            ORDER BY topup_id LIMIT \(bind: limit)
            """
        ).all().map(Self.decode)
    }

    public func replace(
        _ topupId: TopupID, expected: [UInt8], with sealed: [UInt8], keyID: String, now: Int64,
        in transaction: Transaction
    ) async throws -> Bool {
        let rows = try await transaction.sql.raw(
            """
            UPDATE orders SET sealed_card = \(bind: Data(sealed)), card_key_id = \(bind: keyID), updated_at = \(bind: now)
            WHERE topup_id = \(bind: topupId.rawValue) AND sealed_card = \(bind: Data(expected))
            RETURNING topup_id
            """
        ).all()
        return !rows.isEmpty
    }

    public func countByKey() async throws -> [String: Int] {
        let rows = try await store.sql.raw(
            """
            SELECT card_key_id, COUNT(*) AS cards FROM orders WHERE sealed_card IS NOT NULL GROUP BY card_key_id
            """
        ).all()
        var counts: [String: Int] = [:]
        for row in rows {
            counts[try row.decode(column: "card_key_id", as: String.self)] = try row.decode(
                column: "cards", as: Int.self)
        }
        return counts
    }

    /// A row of `topup_id, user_id, sealed_card, card_key_id`, whichever driver read it.
    static func decode(_ row: any SQLRow) throws -> StoredCard {
        try decode(NamedCells(row: row, names: ["topup_id", "user_id", "sealed_card", "card_key_id"]))
    }

    static func decode(_ row: some RowCells) throws -> StoredCard {
        guard let topupId = TopupID(try row.required(row.text(0), table: "orders")),
            let userId = UserID(try row.required(row.text(1), table: "orders"))
        else { throw StorageError.corruptRow(table: "orders") }
        return StoredCard(
            topupId: topupId, userId: userId, sealed: try row.required(row.blob(2), table: "orders"),
            keyID: try row.required(row.text(3), table: "orders"))
    }
}

private enum CardOf: HotStatement {
    static let sql =
        "SELECT topup_id, user_id, sealed_card, card_key_id FROM orders WHERE topup_id = $1 AND sealed_card IS NOT NULL"
}
