import BitaqaCore

/// Which secret of a gift card a blob holds: the upstream guide calls both the code and the serial
/// sensitive, so each is sealed on its own.
public enum GiftCardPart: String, Sendable {
    case code
    case serial
}

/// Gift cards: an order holds several cards, so each sealed part is bound to its order, its buyer, its
/// position in the order and which part it is. A code moved to another position, swapped with its
/// serial or copied to another order fails authentication.
///
/// The associated data has its own prefix (`bitaqa-gift-card`), so a gift-card blob never opens as a
/// top-up card and the other way round; its subject is `orderKey#position#part`, unambiguous read from
/// the right since the position is a number and the part a fixed word.
extension CardVault {
    static let giftCardPrefix = Array("bitaqa-gift-card".utf8)

    static func giftCardSubject(_ orderKey: TopupID, position: Int, part: GiftCardPart) -> String {
        "\(orderKey.rawValue)#\(position)#\(part.rawValue)"
    }

    /// Seals one part of the gift card at `position` (from 1) of an order under the active key.
    public func seal(
        _ secret: CardCode, giftCardOf orderKey: TopupID, userId: UserID, position: Int, part: GiftCardPart
    ) throws -> SealedCard {
        let subject = Self.giftCardSubject(orderKey, position: position, part: part)
        return try seal(secret, subject: subject.utf8, userId: userId, prefix: Self.giftCardPrefix)
    }

    /// Opens one part of a gift card for the order, buyer and position it must belong to.
    public func open(
        _ blob: [UInt8], giftCardOf orderKey: TopupID, userId: UserID, position: Int, part: GiftCardPart
    ) throws(VaultError) -> CardCode {
        let subject = Self.giftCardSubject(orderKey, position: position, part: part)
        return try open(blob, subject: subject.utf8, userId: userId, prefix: Self.giftCardPrefix)
    }

    /// Opens a gift-card part and seals it again under the active key; nil when already under it.
    public func reseal(
        _ blob: [UInt8], giftCardOf orderKey: TopupID, userId: UserID, position: Int, part: GiftCardPart
    ) throws(VaultError) -> SealedCard? {
        if try Self.parse(blob).keyID == keyRing.activeKeyID { return nil }
        let secret = try open(blob, giftCardOf: orderKey, userId: userId, position: position, part: part)
        do {
            return try seal(secret, giftCardOf: orderKey, userId: userId, position: position, part: part)
        } catch {
            throw VaultError(.sealFailed, keyID: keyRing.activeKeyID)
        }
    }
}
