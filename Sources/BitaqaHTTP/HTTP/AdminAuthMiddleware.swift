import BitaqaCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import Orders

/// Guards the merchant API: `Authorization: Bearer <BITAQA_ADMIN_TOKEN>`, compared in constant time, or
/// a staff member's token (``StaffDirectory``). The caller is set on the context (``AppRequestContext/principal``)
/// and held to the role the matched route needs (``RouteRoles``): 403 `FORBIDDEN` beyond it.
///
/// Wrong tokens are throttled: once an address (IPv6 by /64) has used up its failed attempts in the
/// window (`BITAQA_RATE_LIMIT_AUTH_FAILURES`), every request from it is answered 429 until the window
/// slides, whatever token it carries, so guessing gains nothing from the answers.
struct AdminAuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let token: Secret
    let staff: StaffDirectory
    let limiter: (any RateLimiter)?
    let failures: Int
    let window: Duration
    let time: TimeSource

    init(
        token: Secret, staff: StaffDirectory, limiter: (any RateLimiter)? = nil, failures: Int = 20,
        window: Duration = .seconds(60),
        time: TimeSource
    ) {
        self.token = token
        self.staff = staff
        self.limiter = limiter
        self.failures = failures
        self.window = window
        self.time = time
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let bucket = "adminfail:\(ClientAddress.limitKey(context.remoteAddress))"
        let now = time.now()
        if let limiter,
            case .limited(let retry) = try await limiter.isOver(
                bucket, limit: failures, windowMillis: window.inMilliseconds, now: now)
        {
            throw PublicError(.rateLimited, "too many failed sign-ins; try again later", retryAfter: retry)
        }
        guard let presented = BearerToken.parse(request.headers[.authorization]),
            let principal = try await principal(presented)
        else {
            try await limiter?.record(bucket, now: now)
            context.logger.info("merchant authentication failed", metadata: ["client": "\(context.remoteAddress)"])
            throw PublicError(.unauthorized, "missing or invalid credentials")
        }
        guard RouteRoles.allows(principal, request.method, endpoint: context.endpointPath) else {
            context.logger.info(
                "merchant request beyond the token's role",
                metadata: ["member": "\(principal.member ?? "")", "role": "\(principal.role.rawValue)"])
            throw PublicError(.forbidden, "this token's role (\(principal.role.rawValue)) may not do this")
        }
        var context = context
        context.principal = principal
        return try await next(request, context)
    }

    /// The admin token's owner, or the staff member whose token this is; nil for any other token.
    private func principal(_ presented: String) async throws -> Principal? {
        if token.constantTimeEquals(presented) { return .admin }
        return try await staff.authenticate(token: presented)?.principal
    }
}

enum BearerToken {
    /// The token of an `Authorization: Bearer …` header, or nil.
    static func parse(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        // Spaces and tabs only, without Foundation's character sets: this runs on every request.
        var token = parts[1]
        while let first = token.first, first == " " || first == "\t" { token.removeFirst() }
        while let last = token.last, last == " " || last == "\t" { token.removeLast() }
        return token.isEmpty ? nil : String(token)
    }
}
