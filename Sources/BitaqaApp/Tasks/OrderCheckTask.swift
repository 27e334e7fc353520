import BitaqaCore
import BitaqaHTTP
import Logging
import Orders

/// `bitaqa orders check TOPUP_ID`: asks the upstream for one order now, the way `serve`'s tracker would
/// (its lease, its rate limit, its recording of the outcome), and returns the order after the check.
public enum OrderCheckTask {
    /// What the command prints, and whether the upstream answered.
    public struct Result: Sendable {
        /// The order as JSON, as `GET /v1/orders/{topupId}` answers it.
        public let orderJSON: String
        /// Nil when the check was made (or not needed); the upstream's failure otherwise.
        public let upstreamFailure: String?
    }

    /// Thrown for an order the database does not know, or a configuration that cannot check.
    public struct Refusal: Error, CustomStringConvertible {
        public let description: String
    }

    public static func run(_ configuration: BitaqaConfiguration, topupId: TopupID, logger: Logger) async throws
        -> Result
    {
        guard configuration.upstream.apiKey != nil else {
            throw Refusal(
                description:
                    "no ONECLICKDZ_API_KEY: in development the sandbox runs inside `serve`; use POST /v1/orders/\(topupId)/check there"
            )
        }
        return try await Composition.withCommand("orders check", configuration, logger: logger) { app in
            // A gift-card order is named by its ref; a top-up id is looked for first.
            if try await app.domain.repositories.orders.find(topupId) == nil,
                let gift = try await app.domain.repositories.giftCards.find(ref: topupId.rawValue)
            {
                let checked = try await app.giftCards.checkNow(
                    gift.details.ref,
                    by: MerchantOrders.Requester(
                        actor: "bitaqa orders check", requestID: nil, clientRequestID: nil, session: nil,
                        limited: false),
                    context: app.domain)
                let view = try await app.giftCards.view(checked, context: app.domain)
                return Result(
                    orderJSON: try GiftCardOrderResponse.json(order: view.order, deliveries: view.deliveries),
                    upstreamFailure: nil)
            }
            let checked = try await app.orders.checkNow(
                topupId,
                by: MerchantOrders.Requester(
                    actor: "bitaqa orders check", requestID: nil, clientRequestID: nil, session: nil, limited: false))
            return Result(
                orderJSON: try OrderResponse.json(order: checked.view.order, deliveries: checked.view.deliveries),
                upstreamFailure: checked.upstreamFailure.map { "\($0)" })
        }
    }
}
