import Foundation
import HTTPTypes
import Hummingbird

/// Behind a reverse proxy every request comes from the proxy's address, which would make the
/// per-address rate limits one bucket for all customers and put the proxy in every log line and audit
/// event. When the TCP peer is one of `BITAQA_TRUSTED_PROXIES`, the client is the right-most address of
/// `X-Forwarded-For` that is not itself a trusted proxy. Anyone else's `X-Forwarded-For` is ignored, so
/// a client cannot choose its own address.
struct ForwardedForMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let trusted: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard trusted.contains(context.remoteAddress), request.headers[.forwardedFor] != nil else {
            return try await next(request, context)
        }
        var context = context
        let hops = request.headers[values: .forwardedFor].joined(separator: ",")
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if let client = hops.last(where: { !trusted.contains($0) }) ?? hops.first, client.count <= 45,
            client.allSatisfy({ $0.isHexDigit || $0 == "." || $0 == ":" })
        {
            context.remoteAddress = client
        }
        return try await next(request, context)
    }
}
