import Audit
import BitaqaCore
import CardVault
import Logging

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

    /// Stored cards that a rotation would move: those under a key other than the active one.
    public func pending() async throws -> Int {
        let active = vault.keyRing.activeKeyID.hex
        let giftCards = try await context.repositories.giftCards.countByKey().filter { $0.key != active }
        return try await context.repositories.cards.count(notUnder: active) + giftCards.values.reduce(0, +)
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
        /// Orders whose contact binding moved to the active key.
        public var rebound = 0
        /// Orders registered before contact binding, bound now with the contacts they hold.
        public var legacyBound = 0
        /// Orders without a binding that the trail shows were bound before (registered under a keyed
        /// event, or bound by an earlier run): their binding was removed in the database, and they are
        /// left unbound (their deliveries are refused).
        public var bindingRemoved: [String] = []
        /// Orders whose contacts no longer match their binding: left as they are (their deliveries are
        /// refused), with the reason.
        public var contactMismatches: [String: String] = [:]
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
        if !report.interrupted {
            try await rotateGiftCards(batchSize: batchSize, maxBatches: maxBatches, into: &report)
        }
        if !report.interrupted { try await rebindContacts(batchSize: batchSize, into: &report) }
        report.remaining = try await context.repositories.cards.countByKey().filter { $0.key != active }
        for (key, count) in try await context.repositories.giftCards.countByKey() where key != active {
            report.remaining[key, default: 0] += count
        }
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

    /// Moves every order's contact binding to the active key, verifying the old one first; binds the
    /// contacts of orders registered before binding existed, once: an unbound order is bound only when
    /// the authenticated trail says it never was (no keyed `ORDER_REGISTERED` or `ORDER_SENT`, which every order
    /// registered since keying has, and no keyed `CONTACTS_BOUND` of its own). Otherwise its binding was
    /// removed in the database, and binding it now would bind whatever contact the remover wrote.
    private func rebindContacts(batchSize: Int, into report: inout Report) async throws {
        let binder = ContactBinder(ring: vault.keyRing)
        let active = binder.activeKeyID
        var cursor: String?
        while true {
            let outcome = try await context.repositories.transaction { [cursor, context] transaction in
                var outcome = (
                    rebound: 0, legacy: 0, mismatches: [String: String](), removed: [TopupID](), last: String?.none
                )
                let orders = try await context.repositories.orders.ordersNotBound(
                    under: active, after: cursor, limit: batchSize, in: transaction)
                for order in orders {
                    outcome.last = order.topupId.rawValue
                    let problem = binder.problem(with: order)
                    guard problem == nil || problem == .unbound else {
                        outcome.mismatches[order.topupId.rawValue] = problem?.rawValue
                        continue
                    }
                    if problem == .unbound {
                        let known = try await context.trail.authenticatedEvents(of: order.topupId)
                        let bindingEvents: Set<AuditKind> = [.orderRegistered, .orderSent, .contactsBound]
                        if known.contains(where: { bindingEvents.contains($0.event.kind) }) {
                            outcome.removed.append(order.topupId)
                            continue
                        }
                    }
                    let binding = binder.bind(
                        topupId: order.topupId, userId: order.userId, email: order.email, phone: order.phone,
                        channels: order.channels)
                    if try await context.repositories.orders.rebind(
                        order.topupId, expected: order.contactBinding, with: binding, in: transaction)
                    {
                        if order.contactBinding == nil {
                            outcome.legacy += 1
                            // The order's own keyed record that it was bound: a later run never binds it again.
                            try await context.trail.append(
                                AuditEvent(
                                    .contactsBound, topupId: order.topupId, actor: "bitaqa keys rotate",
                                    details: ["key_id": active, "legacy": "true"]),
                                now: context.time.now(), in: transaction)
                        } else {
                            outcome.rebound += 1
                        }
                    }
                }
                return outcome
            }
            report.rebound += outcome.rebound
            report.legacyBound += outcome.legacy
            report.contactMismatches.merge(outcome.mismatches) { _, new in new }
            report.bindingRemoved += outcome.removed.map(\.rawValue)
            for removed in outcome.removed {
                try await context.trail.append(
                    AuditEvent(
                        .contactChangeRefused, topupId: removed, actor: "bitaqa keys rotate",
                        details: ["reason": "binding_removed"]),
                    now: context.time.now())
            }
            guard let last = outcome.last else { break }
            cursor = last
        }
        if report.rebound + report.legacyBound + report.contactMismatches.count + report.bindingRemoved.count > 0 {
            try await context.trail.append(
                AuditEvent(
                    .contactsBound, actor: "bitaqa keys rotate",
                    details: [
                        "key_id": active, "rebound": String(report.rebound), "legacy_bound": String(report.legacyBound),
                        "mismatches": String(report.contactMismatches.count),
                        "binding_removed": String(report.bindingRemoved.count),
                    ]
                ),
                now: context.time.now()
            )
        }
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
