import HTTPTypes
import Orders

/// The least role each route of the merchant API and each console action needs, in one table: the
/// admin token is an owner; a staff token or console session whose role is below the route's is
/// answered 403 `FORBIDDEN`. A route missing from the table needs `owner`, so a route added without an
/// entry is closed to viewers and support until it is given one (`StaffRolesTests` checks every `/v1`
/// route has one).
enum RouteRoles {
    struct Route: Hashable, Sendable {
        let method: HTTPRequest.Method
        /// The route's pattern, as Hummingbird names the matched endpoint: `/v1/orders/{topupId}`.
        let path: String

        init(_ method: HTTPRequest.Method, _ path: String) {
            self.method = method
            self.path = path
        }
    }

    /// Every `/v1` route and `/metrics`.
    static let merchant: [Route: StaffRole] = [
        Route(.get, "/v1/orders"): .viewer,
        Route(.get, "/v1/orders/{topupId}"): .viewer,
        Route(.get, "/v1/products"): .viewer,
        Route(.get, "/v1/account"): .viewer,
        Route(.get, "/v1/audit"): .viewer,
        Route(.get, "/v1/webhooks/messages"): .viewer,
        Route(.get, "/v1/reconciliation"): .viewer,
        Route(.patch, "/v1/orders/{topupId}"): .support,
        Route(.post, "/v1/orders/{topupId}/resend"): .support,
        Route(.post, "/v1/orders/{topupId}/check"): .support,
        Route(.post, "/v1/webhooks/messages/{id}/retry"): .support,
        Route(.post, "/v1/orders"): .owner,
        Route(.post, "/v1/orders/send"): .owner,
        Route(.get, "/metrics"): .owner,
        // Routes of the interface that other parts add (CSV exports, stats, buyers' data, gift cards).
        Route(.get, "/v1/orders.csv"): .viewer,
        Route(.get, "/v1/reconciliation.csv"): .viewer,
        Route(.get, "/v1/webhooks/messages.csv"): .viewer,
        Route(.get, "/v1/stats"): .viewer,
        Route(.get, "/v1/orders/{topupId}/notes"): .viewer,
        Route(.post, "/v1/orders/{topupId}/notes"): .support,
        Route(.post, "/v1/orders/resend-failed"): .support,
        Route(.post, "/v1/webhooks/messages/retry-failed"): .support,
        Route(.get, "/v1/buyers/{userId}"): .owner,
        Route(.delete, "/v1/buyers/{userId}"): .owner,
        Route(.get, "/v1/gift-cards/catalog"): .viewer,
        Route(.get, "/v1/gift-cards/products/{productId}"): .viewer,
        Route(.get, "/v1/gift-card-orders"): .viewer,
        Route(.get, "/v1/gift-card-orders/{ref}"): .viewer,
        Route(.post, "/v1/gift-card-orders"): .owner,
        Route(.post, "/v1/gift-card-orders/register"): .owner,
        Route(.patch, "/v1/gift-card-orders/{ref}"): .support,
        Route(.post, "/v1/gift-card-orders/{ref}/resend"): .support,
        Route(.post, "/v1/gift-card-orders/{ref}/check"): .support,
    ]

    /// The console's actions and pages (every page is open to every signed-in role, but the staff and send
    /// pages and a buyer's personal data).
    static let console: [Route: StaffRole] = [
        Route(.post, "/console/logout"): .viewer,
        Route(.post, "/console/orders/{id}/resend"): .support,
        Route(.post, "/console/orders/{id}/check"): .support,
        Route(.post, "/console/orders/{id}/contact"): .support,
        Route(.post, "/console/webhooks/{id}/retry"): .support,
        Route(.post, "/console/orders/{id}/notes"): .support,
        Route(.post, "/console/orders/resend-failed"): .support,
        Route(.post, "/console/webhooks/retry-failed"): .support,
        Route(.get, "/console/orders.csv"): .viewer,
        Route(.get, "/console/buyers/{userId}"): .viewer,
        Route(.get, "/console/buyers/{userId}/export"): .owner,
        Route(.get, "/console/buyers/{userId}/erase"): .owner,
        Route(.post, "/console/buyers/{userId}/erase"): .owner,
        Route(.get, "/console/send"): .owner,
        Route(.post, "/console/send"): .owner,
        Route(.get, "/console/staff"): .owner,
        Route(.post, "/console/staff"): .owner,
        Route(.post, "/console/staff/{name}/remove"): .owner,
        Route(.get, "/console/gift-cards"): .viewer,
        Route(.get, "/console/gift-cards/{ref}"): .viewer,
        Route(.post, "/console/gift-cards/{ref}/resend"): .support,
        Route(.post, "/console/gift-cards/{ref}/check"): .support,
        Route(.post, "/console/gift-cards/{ref}/contact"): .support,
        Route(.post, "/console/gift-cards/{ref}/settle"): .owner,
        Route(.get, "/console/gift-cards/catalog"): .viewer,
        Route(.get, "/console/gift-cards/catalog/{productId}"): .viewer,
        Route(.post, "/console/gift-cards/catalog/{productId}"): .owner,
    ]

    /// The role `method` on the matched `endpoint` needs; `owner` for a route the tables do not list.
    static func required(_ method: HTTPRequest.Method, endpoint: String?) -> StaffRole {
        guard let endpoint else { return .owner }
        let route = Route(method, normalized(endpoint))
        return merchant[route] ?? console[route] ?? .owner
    }

    /// Whether `principal` may use `method` on `endpoint`.
    static func allows(_ principal: Principal, _ method: HTTPRequest.Method, endpoint: String?) -> Bool {
        principal.role.allows(required(method, endpoint: endpoint))
    }

    /// The pattern with one leading slash and no trailing one, whichever way the router spelled it.
    static func normalized(_ path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.hasPrefix("/") { trimmed = trimmed.dropFirst() }
        while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        return "/" + trimmed
    }
}
