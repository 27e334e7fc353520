import BitaqaCore
import Orders

/// How to reach OneClickDz.
public struct UpstreamConfiguration: Sendable {
    /// The host, without `/v3` (the client appends it), e.g. `https://api.oneclickdz.com`.
    public var baseURL: String
    public var apiKey: Secret
    /// Tried once when the primary key gets 401, as the upstream's security guide advises for rotation.
    public var secondaryKey: Secret?
    public var connectTimeout: Duration
    /// The deadline of one whole request, connection included.
    public var requestTimeout: Duration
    public var retry: RetryPolicy
    /// Sent as `User-Agent`: names this process, so the upstream's (and the sandbox's) request log tells
    /// workers apart.
    public var userAgent: String
    /// Taken before every HTTP attempt, retries included; nil for no limit.
    public var rateLimiter: UpstreamRateLimiter?

    public init(
        baseURL: String, apiKey: Secret, secondaryKey: Secret? = nil, connectTimeout: Duration = .seconds(5),
        requestTimeout: Duration = .seconds(15), retry: RetryPolicy = RetryPolicy(), userAgent: String = "bitaqa",
        rateLimiter: UpstreamRateLimiter?
    ) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.secondaryKey = secondaryKey
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.retry = retry
        self.userAgent = userAgent
        self.rateLimiter = rateLimiter
    }
}

/// Capped exponential backoff with full jitter, for retryable failures of idempotent calls.
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first included.
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration

    public init(maxAttempts: Int = 4, baseDelay: Duration = .milliseconds(200), maxDelay: Duration = .seconds(5)) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// The wait before attempt `attempt + 1` (attempt counts from 1): a random time up to
    /// `min(maxDelay, baseDelay · 2^(attempt-1))`, or the upstream's `Retry-After` when it asked for
    /// longer (capped at `maxDelay`... unless the upstream insists, in which case we honour it).
    public func delay(afterAttempt attempt: Int, retryAfter: Double?) -> Duration {
        let exponent = min(attempt - 1, 20)
        let ceiling = min(maxDelay, baseDelay * (1 << exponent))
        let jittered = ceiling * Double.random(in: 0...1)
        if let retryAfter, retryAfter > 0 {
            return max(jittered, .milliseconds(Int64(retryAfter * 1000)))
        }
        return jittered
    }
}
