import BitaqaCore
import Foundation

/// A sealed card as stored: the blob, the key it is under and the ids it is bound to.
public struct StoredCard: Sendable, Equatable {
    public let topupId: TopupID
    public let userId: UserID
    public let sealed: [UInt8]
    public let keyID: String

    public init(topupId: TopupID, userId: UserID, sealed: [UInt8], keyID: String) {
        self.topupId = topupId
        self.userId = userId
        self.sealed = sealed
        self.keyID = keyID
    }
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

extension OrderRecord {
    /// The sealed card this record already carries (orders are read with their card), so a reveal needs
    /// no second query; nil when the order has none.
    public var storedCard: StoredCard? {
        guard let sealedCard, let cardKeyId else { return nil }
        return StoredCard(topupId: topupId, userId: userId, sealed: sealedCard, keyID: cardKeyId)
    }
}
