import Audit
import BitaqaCore
import CardVault
import Logging
import Messaging

extension CardReader {
    /// Opens every card of a gift-card order, each part for its order, buyer and position. One that
    /// fails is told apart in the log and a `CARD_UNREADABLE` event naming its position, and the whole
    /// order becomes the public 500 `CARD_UNREADABLE`: a buyer never gets some codes silently missing.
    public func open(_ cards: [SealedGiftCard], of order: GiftCardOrder, requestID: String?, logger: Logger)
        async throws -> [GiftCard]
    {
        var opened: [GiftCard] = []
        for card in cards {
            do {
                let code = try vault.open(
                    card.code, giftCardOf: order.key, userId: order.order.userId, position: card.position, part: .code)
                let serial = try card.serial.map { blob throws(VaultError) in
                    try vault.open(
                        blob, giftCardOf: order.key, userId: order.order.userId, position: card.position,
                        part: .serial)
                }
                opened.append(GiftCard(code: code, serial: serial))
            } catch {
                let keyID = error.keyID?.hex ?? card.keyID
                logger.error(
                    "gift card unreadable",
                    metadata: [
                        "topup_id": "\(order.key)", "position": "\(card.position)", "key_id": "\(keyID)",
                        "reason": "\(error.reason.rawValue)",
                    ])
                try await audit.append(
                    AuditEvent(
                        .cardUnreadable, topupId: order.key, requestID: requestID,
                        details: ["key_id": keyID, "reason": error.reason.rawValue, "position": "\(card.position)"]),
                    now: time.now())
                throw PublicError(.cardUnreadable, "this card cannot be read; the merchant has been alerted")
            }
        }
        return opened
    }
}
