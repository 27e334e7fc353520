import BitaqaCore
import CardVault
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Orders

/// `GET /cards/{token}` shows the order with the card hidden; `POST /cards/{token}` reveals it.
/// Link scanners that fetch the page reveal nothing; each reveal is rate limited and audited.
struct RevealPageController {
    let domain: DomainContext
    /// The buyer's orders, as the customer API finds them (its denials audited the same way).
    let orders: CustomerOrders
    let tokens: RevealTokens
    let revealer: CardRevealer
    let settings: CustomerLimits
    let shop: ShopIdentity
    /// Whose product names and usage steps the page shows.
    let line: any SingleCodeLine
    /// Gift-card orders, whose links show their own page (``giftCardPage(_:context:reveal:)``).
    var giftCards: GiftCardCustomerOrders? = nil

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("cards/{token}", use: landing)
        router.post("cards/{token}", use: reveal)
    }

    @Sendable func landing(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let page = try await giftCardPage(request, context: context, reveal: false) { return page }
        guard let order = try await order(request, context: context) else {
            try await chargeFailure(context)
            return Self.page(RevealPage.invalid(shop: shop), status: .notFound)
        }
        try await chargeAddress(context)
        let token = try context.parameters.require("token")
        return Self.page(
            RevealPage.landing(
                summary(order), status: order.status, locale: order.locale, action: "/cards/" + token,
                shop: shop))
    }

    @Sendable func reveal(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let page = try await giftCardPage(request, context: context, reveal: true) { return page }
        guard let order = try await order(request, context: context) else {
            try await chargeFailure(context)
            return Self.page(RevealPage.invalid(shop: shop), status: .notFound)
        }
        try await chargeAddress(context)
        guard order.status == .fulfilled else {
            return Self.page(
                RevealPage.landing(
                    summary(order), status: order.status, locale: order.locale, action: request.uri.path,
                    shop: shop))
        }
        let viewer = CardRevealer.Viewer(
            userID: order.userId, address: context.remoteAddress, userAgent: request.headers[.userAgent],
            requestID: context.requestID, clientRequestID: context.clientRequestID, channel: "web"
        )
        let code = try await revealer.reveal(
            order, to: viewer,
            buckets: [("reveal:\(order.userId.rawValue)", settings.revealsPerUser)],
            logger: context.logger
        )
        return Self.page(
            RevealPage.revealed(
                summary(order), code: code,
                steps: line.usageSteps(for: order), locale: order.locale,
                shop: shop))
    }

    /// A bad link counts against the address's failed authentications (answered 429 past them), never
    /// against its request allowance, as on the customer API.
    func chargeFailure(_ context: AppRequestContext) async throws {
        let limits = domain.repositories.rateLimits
        let bucket = "authfail:\(ClientAddress.limitKey(context.remoteAddress))"
        let now = domain.time.now()
        if case .limited(let retry) = try await limits.isOver(
            bucket, limit: settings.authFailuresPerAddress, windowMillis: settings.window.inMilliseconds, now: now)
        {
            throw PublicError(.rateLimited, "too many requests; try again later", retryAfter: retry)
        }
        try await limits.record(bucket, now: now)
    }

    /// A request with a good link counts against its address (IPv6 by /64), the same allowance the
    /// customer API uses.
    func chargeAddress(_ context: AppRequestContext) async throws {
        let decision = try await domain.repositories.rateLimits.hit(
            "addr:\(ClientAddress.limitKey(context.remoteAddress))", limit: settings.requestsPerAddress,
            windowMillis: settings.window.inMilliseconds, now: domain.time.now()
        )
        if case .limited(let retry) = decision {
            throw PublicError(.rateLimited, "too many requests; try again later", retryAfter: retry)
        }
    }

    /// The order a valid token names, owned by the token's user, checked upstream first when it is not
    /// final and its last answer is old; nil for anything else.
    private func order(_ request: Request, context: AppRequestContext) async throws -> OrderRecord? {
        try await orders.linked(
            try context.parameters.require("token"), tokens: tokens, requestID: context.requestID,
            client: context.remoteAddress)
    }

    func summary(_ order: OrderRecord) -> RevealPage.OrderSummary {
        RevealPage.OrderSummary(
            type: order.cardType?.rawValue ?? "-", number: order.number ?? "-",
            value: order.value.map { DinarAmount.text($0, locale: order.locale) } ?? "-",
            status: order.status.localized(order.locale), transactionNumber: order.transactionNumber ?? "-"
        )
    }

    static func page(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                .contentSecurityPolicy: RevealPage.policy, .referrerPolicy: "no-referrer", .frameOptions: "DENY",
                .xContentTypeOptions: "nosniff",
            ],
            body: .init(byteBuffer: ByteBuffer(string: html))
        )
    }
}

/// `Strict-Transport-Security` on every response when the server itself speaks TLS.
struct StrictTransportMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response = try await next(request, context)
        response.headers[.strictTransportSecurity] = "max-age=31536000; includeSubDomains"
        return response
    }
}
