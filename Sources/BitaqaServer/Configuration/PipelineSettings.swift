import Configuration

/// How orders are tracked and cards delivered.
///
/// Keys:
/// - `BITAQA_POLL_INTERVAL`: seconds between checks of a HANDLING order in its first five minutes
///   (default 5, decimals allowed); afterwards the interval doubles every five minutes up to 15 minutes.
/// - `BITAQA_QUEUED_RECHECK`: seconds before a QUEUED order is checked again (default 21600, 6 hours).
/// - `BITAQA_UPSTREAM_RATE_LIMIT`: status checks per second this process may make (default 10).
/// - `BITAQA_DELIVERY_MAX_ATTEMPTS`: attempts of one delivery before it is `failed` (default 10).
/// - `BITAQA_LEASE_SECONDS`: how long a claimed order check is held (default 60; deliveries get twice
///   that). A process that dies leaves its rows to others after this long.
public struct PipelineSettings: Sendable {
    public var pollInterval: Double
    public var queuedRecheck: Double
    public var upstreamRateLimit: Double
    public var deliveryMaxAttempts: Int
    public var leaseSeconds: Double

    init(reader: ConfigReader) throws(ConfigurationError) {
        let root = SettingsReader(reader, scope: ["bitaqa"])
        pollInterval = try root.double("poll.interval", default: 5, range: 0.01...3_600)
        queuedRecheck = try root.double("queued.recheck", default: 6 * 3_600, range: 0.01...604_800)
        upstreamRateLimit = try root.double("upstream.rate.limit", default: 10, range: 0.1...10_000)
        deliveryMaxAttempts = try root.int("delivery.max.attempts", default: 10, range: 1...1_000)
        leaseSeconds = try root.double("lease.seconds", default: 60, range: 1...3_600)
    }
}
