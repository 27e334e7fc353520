/// A failure talking to OneClickDz, as one value. Which failures are worth retrying is decided here,
/// once, for every caller.
///
/// A struct with a private kind, as `HTTPClientError` does, so kinds can be added without breaking callers.
public struct UpstreamError: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Kind: Equatable, Sendable {
        case authentication
        case forbidden
        case notFound
        case validation
        case rateLimited
        case server
        case timeout
        case connection
        /// No connection could be made (refused, DNS, connect timeout): nothing was sent.
        case unreachable
        case malformed
        case invalidNumber
    }

    package let kind: Kind
    /// The upstream's `error.code`, e.g. `ERR_PHONE`, `DUPLICATED_REF`; nil when there was none.
    public let code: String?
    /// The HTTP status, when a response arrived.
    public let httpStatus: Int?
    /// Seconds the upstream asked us to wait (`Retry-After`), for rate limiting.
    public let retryAfter: Double?
    /// The upstream's `requestId`, for support.
    public let requestID: String?
    /// The upstream's human-readable message, passed through the scrubber before it is logged.
    public let message: String?

    package init(
        _ kind: Kind, code: String? = nil, httpStatus: Int? = nil, retryAfter: Double? = nil,
        requestID: String? = nil, message: String? = nil
    ) {
        self.kind = kind
        self.code = code
        self.httpStatus = httpStatus
        self.retryAfter = retryAfter
        self.requestID = requestID
        self.message = message
    }

    public var isAuthentication: Bool { kind == .authentication }
    /// 403: balance, IP not whitelisted, duplicated ref.
    public var isForbidden: Bool { kind == .forbidden }
    public var isNotFound: Bool { kind == .notFound }
    /// 400-class refusals of the request itself (`ERR_PHONE`, `ERR_VALIDATION`, `ERR_STOCK`), and numbers
    /// refused locally before any request.
    public var isValidation: Bool { kind == .validation || kind == .invalidNumber }
    public var isRateLimited: Bool { kind == .rateLimited }
    public var isServer: Bool { kind == .server }
    public var isTimeout: Bool { kind == .timeout }
    /// No response at all: refused, reset, TLS failure, timeout.
    public var isTransport: Bool { kind == .timeout || kind == .connection || kind == .unreachable }
    public var isMalformed: Bool { kind == .malformed }
    /// The number failed the type's format, so nothing was sent.
    public var isInvalidNumber: Bool { kind == .invalidNumber }

    /// Whether the same idempotent request may succeed if tried again later.
    public var isRetryable: Bool {
        switch kind {
        case .rateLimited, .server, .timeout, .connection, .unreachable, .malformed: true
        case .authentication, .forbidden, .notFound, .validation, .invalidNumber: false
        }
    }

    /// Whether a `send` that failed this way may nonetheless have been carried out upstream, so that
    /// its outcome must be looked up by `ref` rather than assumed. (`.unreachable` too: a lookup by `ref`
    /// is harmless, and it keeps `send` as it was; ``mayHaveBeenCarriedOut`` is the exact answer.)
    public var sendOutcomeUnknown: Bool {
        switch kind {
        case .timeout, .connection, .unreachable, .server, .malformed: true
        default: false
        }
    }

    public var description: String {
        var parts = ["upstream \(kind)"]
        if let code { parts.append("code \(code)") }
        if let httpStatus { parts.append("HTTP \(httpStatus)") }
        if let requestID { parts.append("request \(requestID)") }
        return parts.joined(separator: ", ")
    }
}
