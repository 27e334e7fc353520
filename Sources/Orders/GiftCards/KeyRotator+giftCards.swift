import Audit
import BitaqaCore
import CardVault

extension KeyRotator {
    /// Re-encrypts every gift card not under the active key, code and serial together, in batches of
    /// their own transactions, resumable from the last (ref, position) moved: the same guarantees as
    /// the top-up cards' rotation (each card swapped in one guarded update; a rerun picks up the rest).
    func rotateGiftCards(batchSize: Int, maxBatches: Int?, into report: inout Report) async throws {
        try await rebindGiftCardOrders(into: &report)
        let active = vault.keyRing.activeKeyID.hex
        var cursor: (ref: String, position: Int)?
        var batches = 0
        while true {
            if let maxBatches, batches >= maxBatches {
                report.interrupted = true
                return
            }
            let outcome = try await context.repositories.transaction { [cursor, vault, context] transaction in
                try await Self.rotateGiftCardBatch(
                    after: cursor, size: batchSize, active: active, vault: vault, context: context,
                    transaction: transaction)
            }
            batches += 1
            report.moved += outcome.moved
            report.unreadable.merge(outcome.unreadable) { _, new in new }
            guard let last = outcome.last else { return }
            cursor = last
        }
    }

    /// Moves the binding of every order still waiting for the upstream to the active key, once it
    /// verifies under its old one (final orders need theirs no more: their cards are sealed).
    private func rebindGiftCardOrders(into report: inout Report) async throws {
        let binder = ContactBinder(ring: vault.keyRing)
        let repository = context.repositories.giftCards
        for order in try await repository.pending(limit: 100_000) {
            guard let orderId = order.details.orderId, let binding = order.details.orderBinding,
                binder.isStale(binding)
            else { continue }
            guard binder.verifies(giftCardOrder: order) else {
                report.contactMismatches[order.key.rawValue] = "gift-card order binding does not verify"
                continue
            }
            if try await repository.rebind(
                ref: order.details.ref, expected: binding, with: binder.bind(giftCardOrder: order, to: orderId))
            {
                report.rebound += 1
            }
        }
    }

    private struct GiftBatch: Sendable {
        var moved = 0
        var unreadable: [String: String] = [:]
        var last: (ref: String, position: Int)?
    }

    private static func rotateGiftCardBatch(
        after cursor: (ref: String, position: Int)?, size: Int, active: String, vault: CardVault,
        context: DomainContext, transaction: Transaction
    ) async throws -> GiftBatch {
        var outcome = GiftBatch()
        let repository = context.repositories.giftCards
        for (order, card) in try await repository.cards(notUnder: active, after: cursor, limit: size, in: transaction) {
            outcome.last = (order.details.ref, card.position)
            do {
                let userId = order.order.userId
                guard
                    let code = try vault.reseal(
                        card.code, giftCardOf: order.key, userId: userId, position: card.position, part: .code)
                else { continue }
                var serial = card.serial
                if let blob = card.serial,
                    let moved = try vault.reseal(
                        blob, giftCardOf: order.key, userId: userId, position: card.position, part: .serial)
                {
                    serial = moved.bytes
                }
                let replacement = SealedGiftCard(
                    position: card.position, code: code.bytes, serial: serial, keyID: code.keyID.hex)
                if try await repository.replace(
                    ref: order.details.ref, position: card.position, expected: card.code, with: replacement,
                    in: transaction)
                {
                    outcome.moved += 1
                }
            } catch let error as VaultError {
                outcome.unreadable["\(order.key.rawValue)#\(card.position)"] = error.reason.rawValue
                try await context.trail.append(
                    AuditEvent(
                        .cardUnreadable, topupId: order.key, actor: "bitaqa keys rotate",
                        details: [
                            "key_id": error.keyID?.hex ?? card.keyID, "reason": error.reason.rawValue,
                            "position": "\(card.position)",
                        ]),
                    now: context.time.now(), in: transaction)
            }
        }
        return outcome
    }
}
