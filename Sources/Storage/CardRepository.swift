import BitaqaCore
import Foundation
import SQLKit

/// A sealed card as stored: the blob, the key it is under and the ids it is bound to.
public struct StoredCard: Sendable, Equatable {
    public let topupId: TopupID
    public let userId: UserID
    public let sealed: [UInt8]
    public let keyID: String
}

/// Sealed cards at rest. Cards are written when an order is fulfilled (``PipelineRepository``); this
/// reads them and moves them between keys.
public protocol CardRepository: Sendable {
    /// The sealed card of a fulfilled order; nil when it has none.
    func card(of topupId: TopupID) async throws -> StoredCard?
    /// Cards not under `keyID`, after `cursor` in topupId order: one batch of a key rotation.
    func cards(notUnder keyID: String, after cursor: String?, limit: Int, in transaction: Transaction) async throws
        -> [StoredCard]
    /// Replaces a card's blob and key id together, only if the blob is still `expected`.
    func replace(
        _ topupId: TopupID, expected: [UInt8], with sealed: [UInt8], keyID: String, now: Int64,
        in transaction: Transaction
    ) async throws -> Bool
    /// How many cards are under each key id.
    func countByKey() async throws -> [String: Int]
}

extension CardRepository {
    /// Stored cards in all.
    public func countStored() async throws -> Int {
        try await countByKey().values.reduce(0, +)
    }

    /// Stored cards under a key other than `keyID`.
    public func count(notUnder keyID: String) async throws -> Int {
        try await countByKey().filter { $0.key != keyID }.values.reduce(0, +)
    }
}

/// The one implementation.
public struct SQLCardRepository: CardRepository {
    let store: Store

    public init(store: Store) {
        self.store = store
    }

    public func card(of topupId: TopupID) async throws -> StoredCard? {
        try await store.sql.raw(
            """
            SELECT topup_id, user_id, sealed_card, card_key_id FROM orders
            WHERE topup_id = \(bind: topupId.rawValue) AND sealed_card IS NOT NULL
            """
        ).first().map(Self.decode)
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

extension OrderRecord {
    /// The sealed card this record already carries (orders are read with their card), so a reveal needs
    /// no second query; nil when the order has none.
    public var storedCard: StoredCard? {
        guard let sealedCard, let cardKeyId else { return nil }
        return StoredCard(topupId: topupId, userId: userId, sealed: sealedCard, keyID: cardKeyId)
    }
}
