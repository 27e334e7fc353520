import BitaqaCore
import CardVault
import Hummingbird
import Orders

/// `/cards/{token}` for a gift-card order. A reveal token names an order's key, and a gift-card order's
/// key is `gc:<ref>`, so the links the messages carry are the top-up links, unchanged; only the page
/// differs. Same rules: nothing shown before the button, each reveal rate limited and audited.
extension RevealPageController {
    /// The page for a link naming a gift-card order; nil for any other link (an invalid one included),
    /// which the top-up page answers as before.
    ///
    /// - Parameter reveal: the button was pressed (`POST`).
    func giftCardPage(_ request: Request, context: AppRequestContext, reveal: Bool) async throws -> Response? {
        guard let giftCards, let token = context.parameters.get("token"),
            let named = tokens.verify(token, now: domain.time.now()), GiftCardKey.isGiftCard(named.topupId)
        else { return nil }
        guard
            let order = try await giftCards.linked(named, requestID: context.requestID, client: context.remoteAddress)
        else {
            try await chargeFailure(context)
            return GiftCardRevealPage.response(RevealPage.invalid(shop: shop), status: .notFound)
        }
        try await chargeAddress(context)
        guard reveal, order.status.hasCards else {
            return GiftCardRevealPage.response(
                GiftCardRevealPage.landing(order, action: "/cards/" + token, shop: shop))
        }
        let viewer = CardRevealer.Viewer(
            userID: order.order.userId, address: context.remoteAddress, userAgent: request.headers[.userAgent],
            requestID: context.requestID, clientRequestID: context.clientRequestID, channel: "web")
        let cards = try await giftCards.reveal(
            order, to: viewer, buckets: [("reveal:\(order.order.userId.rawValue)", settings.revealsPerUser)],
            logger: context.logger)
        return GiftCardRevealPage.response(GiftCardRevealPage.revealed(order, cards: cards, shop: shop))
    }
}
