import BitaqaCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Orders

/// Guards the customer API: the bearer token, then the per-address request limit. Requests without a
/// valid token count only against the address's failed authentications, never against its request
/// limit, and a valid token is never refused because of others' failures: buyers behind one carrier-grade
/// NAT share an address, and a flood of tokenless requests from it must not lock them out. An invalid
/// token is answered 429 once its address used up its failed authentications. Addresses count by
/// ``ClientAddress/limitKey(_:)`` (IPv6 by /64). A refusal never says which check failed.
struct CustomerAuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let authenticator: CustomerAuthenticator
    let limiter: any RateLimiter
    let settings: CustomerLimits
    let time: TimeSource

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let now = time.now()
        let window = settings.window.inMilliseconds
        let address = ClientAddress.limitKey(context.remoteAddress)
        guard let token = BearerToken.parse(request.headers[.authorization]),
            let user = await authenticator.userID(fromBearer: token)
        else {
            if case .limited(let retry) = try await limiter.isOver(
                "authfail:\(address)", limit: settings.authFailuresPerAddress, windowMillis: window, now: now)
            {
                throw PublicError(.rateLimited, "too many failed sign-ins; try again later", retryAfter: retry)
            }
            try await limiter.record("authfail:\(address)", now: now)
            context.logger.info("customer authentication failed", metadata: ["client": "\(context.remoteAddress)"])
            throw PublicError(.unauthorized, "missing or invalid credentials")
        }
        if case .limited(let retry) = try await limiter.hit(
            "addr:\(address)", limit: settings.requestsPerAddress, windowMillis: window, now: now)
        {
            throw PublicError(.rateLimited, "too many requests; try again later", retryAfter: retry)
        }
        var context = context
        context.customer = user
        return try await next(request, context)
    }
}
