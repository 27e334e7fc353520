import Audit
import BitaqaCore
import CardVault
import Foundation
import Logging

/// The one way the service opens a stored card.
///
/// Every failure (a key not in the ring, a malformed blob, a failed authentication) is told apart in the
/// log line and the audit event, which name the order and the key id, and becomes the same public
/// 500 `CARD_UNREADABLE` for the client: never garbage, never the bytes.
public struct CardReader: Sendable {
    let vault: CardVault
    let audit: AuditTrail
    /// Card views from every request of the process share transactions (group commit).
    let views: AuditBatcher
    let time: TimeSource

    /// - Parameter views: the group-commit writer of `CARD_VIEWED`, a service of the application; one
    ///   that is not running writes each view in a transaction of its own.
    public init(vault: CardVault, audit: AuditTrail, views: AuditBatcher, time: TimeSource) {
        self.vault = vault
        self.audit = audit
        self.views = views
        self.time = time
    }

    /// Records that a card was shown; returns once the event is committed, so the caller may show it.
    public func recordView(_ event: AuditEvent, now: Int64) async throws {
        try await views.append(event, now: now)
    }

    public func open(_ card: StoredCard, requestID: String?, logger: Logger) async throws -> CardCode {
        do {
            return try vault.open(card.sealed, topupId: card.topupId, userId: card.userId)
        } catch {
            let keyID = error.keyID?.hex ?? card.keyID
            logger.error(
                "card unreadable",
                metadata: ["topup_id": "\(card.topupId)", "key_id": "\(keyID)", "reason": "\(error.reason.rawValue)"]
            )
            try await audit.append(
                AuditEvent(
                    .cardUnreadable, topupId: card.topupId, requestID: requestID,
                    details: ["key_id": keyID, "reason": error.reason.rawValue]
                ),
                now: time.now()
            )
            throw PublicError(.cardUnreadable, "this card cannot be read; the merchant has been alerted")
        }
    }
}
