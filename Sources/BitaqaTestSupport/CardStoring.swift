import BitaqaCore
import CardVault
import OneClickDZ
import Orders
import SQLKit
import Storage

/// Puts a card into the database the way production does: the tracker's claim of the order (its lease,
/// taken here directly) and then ``CardIntake``, which seals, stores, queues and audits in one transaction.
public enum CardStoring {
    /// Stores `code` as the fulfilled card of the registered order `topupId`; returns the stored card.
    @discardableResult
    public static func store(
        _ code: CardCode, for topupId: TopupID, transactionNumber: String? = nil, processedDate: String? = nil,
        vault: CardVault, in store: Store, now: Int64 = 2
    ) async throws -> StoredCard {
        let context = DomainContext(store: store, time: TimeSource { now })
        guard let order = try await context.repositories.orders.find(topupId) else {
            throw TestSetupError("no order \(topupId) to store a card for")
        }
        let owner = "test-tracker"
        try await store.sql.raw(
            "UPDATE orders SET lease_owner = \(bind: owner), lease_until = \(bind: now + 60_000) WHERE topup_id = \(bind: topupId.rawValue)"
        ).run()
        let card = FulfilledCard(code: code, transactionNumber: transactionNumber, processedDate: processedDate)
        try await CardIntake(context: context, vault: vault).store(card, of: order, owner: owner, now: now)
        guard let stored = try await context.repositories.cards.card(of: topupId) else {
            throw TestSetupError("the card of \(topupId) was not stored")
        }
        return stored
    }
}
