/// How fast customers may authenticate and reveal cards (the `BITAQA_RATE_LIMIT_*` settings).
public struct CustomerLimits: Sendable {
    /// Card reveals per user per window; 0 turns the limit off.
    public var revealsPerUser: Int
    /// Card and auth requests per client address per window.
    public var requestsPerAddress: Int
    /// Failed authentications per address per window.
    public var authFailuresPerAddress: Int
    /// The sliding window.
    public var window: Duration

    public init(revealsPerUser: Int, requestsPerAddress: Int, authFailuresPerAddress: Int, window: Duration) {
        self.revealsPerUser = revealsPerUser
        self.requestsPerAddress = requestsPerAddress
        self.authFailuresPerAddress = authFailuresPerAddress
        self.window = window
    }
}

/// What `BITAQA_HTTP_MAX_BODY_BYTES` may be set to: the body limit the server can be configured with.
public enum BodyLimits {
    public static let range = 1_024...16_777_216
}
