import BitaqaCore
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import Orders

/// The context of every request: Hummingbird's core storage, the request id and the client's address.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The id logged with every line of this request and returned in `X-Request-Id`.
    public var requestID: String
    /// The caller's `X-Request-Id` when it is a plain short token: logged and audited beside the
    /// service's own id, never instead of it.
    public var clientRequestID: String?
    /// The client's IP address, without port: the TCP peer's, or, when that peer is a trusted proxy,
    /// the one it forwarded (``ForwardedForMiddleware``); `unknown` for a Unix socket or a test client.
    public internal(set) var remoteAddress: String
    /// The authenticated customer, set by the customer authentication middleware.
    public var customer: UserID?
    /// Who signed the merchant API request (the admin token or a staff member), set by
    /// ``AdminAuthMiddleware``; nil outside `/v1` and `/metrics`.
    public var principal: Principal?

    /// The audit trail's actor for this API request: `merchant` for the admin token, `staff:NAME` for a
    /// staff member.
    public var merchantActor: String { (principal ?? .admin).actor("merchant") }

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        requestID = ""
        remoteAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    /// The largest body any configuration allows; ``BodyLimitMiddleware`` enforces the configured limit
    /// (`BITAQA_HTTP_MAX_BODY_BYTES`) before a handler reads the body.
    public var maxUploadSize: Int { BodyLimits.range.upperBound }

    public var requestDecoder: StrictJSONDecoder { StrictJSONDecoder() }
}
