import HTTPTypes

/// How the sandbox behaves: timings, money, and faults to inject.
public struct SandboxSettings: Sendable {
    /// A HANDLING top-up resolves after a random time in this range (the upstream says 3 to 45 s).
    public var resolveAfter: ClosedRange<Double> = 3...45
    /// A QUEUED top-up is fulfilled after this many seconds (upstream: 12 to 48 hours).
    public var queuedFor: Double = 120
    /// Starting balance in DZD.
    public var balance: Double = 1_000_000
    /// When set, the only accepted `X-Access-Token`; otherwise any non-empty key is accepted.
    public var requiredKey: String?
    /// Fraction of requests answered 503 (these and the other faults can be changed while running).
    public var serverErrorRate: Double = 0
    /// Fraction of requests answered 429 with `Retry-After: retryAfterSeconds`.
    public var rateLimitRate: Double = 0
    public var retryAfterSeconds: Int = 1
    /// Fraction of requests that wait `slowSeconds` before answering.
    public var slowRate: Double = 0
    public var slowSeconds: Double = 30
    /// Fraction of requests answered 200 with a body that is not valid JSON.
    public var malformedRate: Double = 0
    /// When set, faults hit only routes containing one of these (e.g. `check-id`); otherwise every route.
    public var faultRoutes: [String]?

    public init() {}

    /// Settings for tests: everything resolves within milliseconds.
    public static func fast(resolveAfter: ClosedRange<Double> = 0.05...0.15) -> SandboxSettings {
        var settings = SandboxSettings()
        settings.resolveAfter = resolveAfter
        settings.queuedFor = 0.3
        return settings
    }
}

/// The sandbox's documented test numbers. Any other well-formed number is fulfilled.
public enum SandboxNumbers {
    /// Ends REFUNDED.
    public static let refunded = (adsl: "021000001", fourG: "213550000001")
    /// Goes QUEUED, then FULFILLED after `queuedFor`.
    public static let queued = (adsl: "021000002", fourG: "213550000002")
    /// Stays HANDLING for ever.
    public static let stuck = (adsl: "021000003", fourG: "213550000003")
    /// Refused by `check-number` and `send` with `ERR_PHONE` (no such line).
    public static let unknownLine = (adsl: "021000009", fourG: "213550000009")

    enum Outcome {
        case fulfilled, refunded, queued, stuck, unknownLine
    }

    static func outcome(for number: String) -> Outcome {
        switch number {
        case refunded.adsl, refunded.fourG: .refunded
        case queued.adsl, queued.fourG: .queued
        case stuck.adsl, stuck.fourG: .stuck
        case unknownLine.adsl, unknownLine.fourG: .unknownLine
        default: .fulfilled
        }
    }
}

extension HTTPField.Name {
    /// The upstream's key header. The literal is a valid token, so the fallback is never taken; it keeps
    /// a trap out of the code.
    static let accessToken = HTTPField.Name("X-Access-Token") ?? .authorization
}
