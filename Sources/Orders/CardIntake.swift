import Audit
import BitaqaCore
import CardVault

/// Stores a card the upstream reported fulfilled: the one path by which a card enters the database.
///
/// In one transaction: the code is sealed (bound to the order's topupId and userId) onto the order,
/// which becomes FULFILLED, one delivery is queued per channel of the order (the outbox), and
/// `STATUS_CHANGED` and `CARD_STORED` are audited. Only the worker holding the order's lease may do it.
public struct CardIntake: Sendable {
    let context: DomainContext
    let vault: CardVault

    public init(context: DomainContext, vault: CardVault) {
        self.context = context
        self.vault = vault
    }

    /// Why a card was not stored.
    public struct NotStored: Error, Sendable {}

    /// Stores `card` for `order`, which `owner` holds the lease of; returns the sealing key's id.
    /// Throws ``NotStored`` when the lease was lost or the order was already fulfilled: nothing changed.
    @discardableResult
    public func store(
        _ card: FulfilledCard, of order: OrderRecord, reported status: TopupStatus? = nil, owner: String, now: Int64
    ) async throws -> String {
        let sealed = try vault.seal(card.code, topupId: order.topupId, userId: order.userId)
        let keyID = sealed.keyID.hex
        let pipeline = context.repositories.pipeline
        let stored = try await context.repositories.transaction { [trail = context.trail] transaction in
            guard
                try await pipeline.markFulfilled(
                    order.topupId, owner: owner, sealed: sealed.bytes, keyID: keyID,
                    transactionNumber: card.transactionNumber,
                    processedDate: card.processedDate, type: status?.type, number: status?.number,
                    value: status?.amount, now: now,
                    in: transaction
                )
            else { return false }
            let deliveries = try await pipeline.insertDeliveries(
                order.topupId, channels: order.channels, purpose: .card, now: now, in: transaction)
            try await trail.append(
                AuditEvent.statusChanged(order.topupId, from: order.status, to: .fulfilled),
                now: now, in: transaction
            )
            try await trail.append(
                AuditEvent(
                    .cardStored, topupId: order.topupId, actor: "tracker",
                    details: [
                        "key_id": keyID, "channels": order.channels.map(\.rawValue).joined(separator: ","),
                        AuditEvent.deliveriesKey: deliveries.joined(separator: ","),
                    ]
                ),
                now: now, in: transaction
            )
            return true
        }
        guard stored else { throw NotStored() }
        return keyID
    }
}
