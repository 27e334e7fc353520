import Audit
import BitaqaCore
import CardVault
import Logging
import Orders
import Storage

/// Re-encrypts every card that is not under the active key, in batches, each batch its own transaction.
///
/// Safe to interrupt (every finished batch is committed; a rerun picks up the rest) and safe beside a
/// running server: each card changes in one `UPDATE` of blob and key id together, guarded by the old blob,
/// so a reader sees the old or the new sealed card, never half of one, and a concurrent writer wins.
public struct KeyRotator: Sendable {
    let context: DomainContext
    let vault: CardVault

    public init(context: DomainContext, vault: CardVault) {
        self.context = context
        self.vault = vault
    }

    public init(store: Store, vault: CardVault) {
        self.init(context: DomainContext(store: store), vault: vault)
    }

    /// Stored cards that a rotation would move: those under a key other than the active one.
    public func pending() async throws -> Int {
        try await context.repositories.cards.count(notUnder: vault.keyRing.activeKeyID.hex)
    }

    /// What a rotation run did.
    public struct Report: Sendable, Equatable {
        public var activeKeyID: String
        public var moved = 0
        /// Cards that could not be opened, by order, with the reason; they keep their old blob.
        public var unreadable: [String: String] = [:]
        /// Cards still under each key other than the active one after the run.
        public var remaining: [String: Int] = [:]
        /// Whether the run stopped early at `maxBatches`.
        public var interrupted = false
    }

    /// - Parameters:
    ///   - batchSize: cards per transaction.
    ///   - maxBatches: stop after this many batches (to bound a run; also how tests interrupt one).
    ///   - progress: called after each batch with the running total of moved cards.
    public func rotate(
        batchSize: Int = 200,
        maxBatches: Int? = nil,
        logger: Logger,
        progress: @Sendable (Int) -> Void = { _ in }
    ) async throws -> Report {
        let active = vault.keyRing.activeKeyID.hex
        var report = Report(activeKeyID: active)
        var cursor: String?
        var batches = 0
        while true {
            if let maxBatches, batches >= maxBatches {
                report.interrupted = true
                break
            }
            let outcome = try await context.repositories.transaction { [cursor, vault, context] transaction in
                try await Self.rotateBatch(
                    after: cursor, size: batchSize, active: active, vault: vault, context: context,
                    transaction: transaction
                )
            }
            batches += 1
            report.moved += outcome.moved
            report.unreadable.merge(outcome.unreadable) { _, new in new }
            guard let last = outcome.lastKey else { break }
            cursor = last
            progress(report.moved)
        }
        report.remaining = try await context.repositories.cards.countByKey().filter { $0.key != active }
        try await context.trail.append(
            AuditEvent(
                .keyRotated, actor: "bitaqa keys rotate",
                details: [
                    "active_key_id": active, "moved": String(report.moved),
                    "unreadable": String(report.unreadable.count),
                    "remaining": String(report.remaining.values.reduce(0, +)),
                    "interrupted": String(report.interrupted),
                ]
            ),
            now: context.time.now()
        )
        logger.info(
            "key rotation finished",
            metadata: [
                "active_key_id": "\(active)", "moved": "\(report.moved)", "unreadable": "\(report.unreadable.count)",
            ]
        )
        return report
    }

    private struct BatchOutcome: Sendable {
        var moved = 0
        var unreadable: [String: String] = [:]
        var lastKey: String?
    }

    private static func rotateBatch(
        after cursor: String?, size: Int, active: String, vault: CardVault, context: DomainContext,
        transaction: Transaction
    ) async throws -> BatchOutcome {
        var outcome = BatchOutcome()
        let cards = context.repositories.cards
        let batch = try await cards.cards(notUnder: active, after: cursor, limit: size, in: transaction)
        for card in batch {
            outcome.lastKey = card.topupId.rawValue
            do {
                guard let resealed = try vault.reseal(card.sealed, topupId: card.topupId, userId: card.userId) else {
                    continue
                }
                if try await cards.replace(
                    card.topupId, expected: card.sealed, with: resealed.bytes, keyID: resealed.keyID.hex,
                    now: context.time.now(), in: transaction
                ) {
                    outcome.moved += 1
                }
            } catch let error as VaultError {
                outcome.unreadable[card.topupId.rawValue] = error.reason.rawValue
                try await context.trail.append(
                    AuditEvent(
                        .cardUnreadable, topupId: card.topupId, actor: "bitaqa keys rotate",
                        details: ["key_id": error.keyID?.hex ?? card.keyID, "reason": error.reason.rawValue]
                    ),
                    now: context.time.now(), in: transaction
                )
            }
        }
        return outcome
    }
}
