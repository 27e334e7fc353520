import BitaqaCore
import Configuration
import Orders

/// How orders are tracked and cards delivered.
///
/// Keys:
/// - `BITAQA_POLL_INTERVAL`: seconds between checks of a HANDLING order in its first five minutes
///   (default 5, decimals allowed); afterwards the interval doubles every five minutes up to 15 minutes.
/// - `BITAQA_QUEUED_CHECK_EARLY` / `BITAQA_QUEUED_CHECK_LATER`: seconds between checks of a QUEUED order
///   in its first `BITAQA_QUEUED_EARLY_FOR` seconds after registration (default 900, for 7200) and
///   afterwards (default 1800). The upstream delivers QUEUED top-ups within 12 to 48 hours.
/// - `BITAQA_TRACK_BY_LIST`: `false` checks every order with its own `check-id` instead of asking
///   `internet/list` for several at once (default `true`).
/// - `BITAQA_CHECK_ON_DEMAND_AFTER`: seconds after the last check past which a buyer's or merchant's look
///   at a non-final order checks it upstream now (default 10).
/// - `BITAQA_UPSTREAM_RATE_LIMIT`: upstream calls per second this process may make, retries included (default 10).
/// - `BITAQA_DELIVERY_MAX_ATTEMPTS`: attempts of one delivery before it is `failed` (default 10).
/// - `BITAQA_DELIVERY_CONCURRENCY`: deliveries one process attempts at once (default 8); checks use
///   the same bound.
/// - `BITAQA_DELIVERY_RETRY_BASE` / `BITAQA_DELIVERY_RETRY_CAP`: seconds of the first retry delay of a
///   temporary delivery failure (default 2, doubling with jitter) and the longest delay (default 600).
/// - `BITAQA_SHUTDOWN_TIMEOUT`: seconds a graceful stop may take to finish the work in hand (default 30);
///   past it the work is cancelled and its leases expire for another process.
/// - `BITAQA_LEASE_SECONDS`: how long a claimed order check is held (default 60; deliveries get twice
///   that): the upper bound on how long a dead process's work waits, should no process be beating.
/// - `BITAQA_UNKNOWN_UPSTREAM_AFTER`: seconds of `NOT_FOUND` answers after which an order whose top-up the
///   upstream does not know becomes `UNKNOWN_UPSTREAM` and tracking stops (default 3600).
/// - `BITAQA_HEARTBEAT_INTERVAL`: seconds between a process's heartbeats (default 2, decimals allowed).
/// - `BITAQA_WORKER_TIMEOUT`: seconds without a heartbeat after which a process counts as stopped and any
///   other process takes back its claims (default 10; at least twice the heartbeat interval).
/// - `BITAQA_DELAY_NOTICE_AFTER`: seconds an order may stay QUEUED before its buyer gets one "your card
///   is delayed" message (default 1800; 0 turns it off).
/// - `BITAQA_CONTACT_RETENTION_DAYS`: days a buyer's email and phone are kept after the order is settled
///   (default 180, decimals allowed), then erased.
public struct PipelineSettings: Sendable {
    public var pollInterval: Duration
    public var queuedEarly: Duration
    public var queuedLater: Duration
    public var queuedEarlyFor: Duration
    public var trackByList: Bool
    public var checkOnDemandAfter: Duration
    public var upstreamRateLimit: Double
    public var deliveryMaxAttempts: Int
    public var lease: Duration
    public var concurrency: Int
    public var deliveryRetryBase: Duration
    public var deliveryRetryCap: Duration
    public var shutdownTimeout: Duration
    public var heartbeatInterval: Duration
    public var unknownUpstreamAfter: Duration
    public var workerTimeout: Duration
    /// Nil: no delay notices.
    public var delayNoticeAfter: Duration?
    public var contactRetention: Duration

    init(reader: ConfigReader) throws(ConfigurationError) {
        let root = SettingsReader(reader, scope: ["bitaqa"])
        pollInterval = try root.duration("poll.interval", default: 5, range: 0.01...3_600)
        queuedEarly = try root.duration("queued.check.early", default: 900, range: 0.01...86_400)
        queuedLater = try root.duration("queued.check.later", default: 1_800, range: 0.01...86_400)
        queuedEarlyFor = try root.duration("queued.early.for", default: 7_200, range: 0...604_800)
        trackByList = try root.bool("track.by.list", default: true)
        checkOnDemandAfter = try root.duration("check.on.demand.after", default: 10, range: 0...86_400)
        upstreamRateLimit = try root.double("upstream.rate.limit", default: 10, range: 0.1...10_000)
        deliveryMaxAttempts = try root.int("delivery.max.attempts", default: 10, range: 1...1_000)
        lease = try root.duration("lease.seconds", default: 60, range: 1...3_600)
        concurrency = try root.int("delivery.concurrency", default: 8, range: 1...256)
        deliveryRetryBase = try root.duration("delivery.retry.base", default: 2, range: 0.01...3_600)
        deliveryRetryCap = try root.duration("delivery.retry.cap", default: 600, range: 0.01...86_400)
        shutdownTimeout = try root.duration("shutdown.timeout", default: 30, range: 1...3_600)
        heartbeatInterval = try root.duration("heartbeat.interval", default: 2, range: 0.05...600)
        unknownUpstreamAfter = try root.duration("unknown.upstream.after", default: 3_600, range: 0...2_592_000)
        workerTimeout = try root.duration("worker.timeout", default: 10, range: 0.1...3_600)
        let delay = try root.duration("delay.notice.after", default: 1_800, range: 0...2_592_000)
        delayNoticeAfter = delay > .zero ? delay : nil
        // Up to 10 years; tests set a fraction of a day.
        let days = try root.double("contact.retention.days", default: 180, range: 0...3_650)
        contactRetention = .seconds(decimal: days * 86_400)
        guard workerTimeout >= heartbeatInterval * 2 else {
            throw ConfigurationError("BITAQA_WORKER_TIMEOUT", "must be at least twice BITAQA_HEARTBEAT_INTERVAL")
        }
        guard deliveryRetryBase <= deliveryRetryCap else {
            throw ConfigurationError("BITAQA_DELIVERY_RETRY_BASE", "is above BITAQA_DELIVERY_RETRY_CAP")
        }
    }

    /// The tracking schedule these settings describe.
    public var schedule: TrackingSchedule {
        var schedule = TrackingSchedule(
            pollInterval: pollInterval, queuedEarly: queuedEarly, queuedLater: queuedLater,
            queuedEarlyFor: queuedEarlyFor)
        if !trackByList { schedule.listMinimum = .max }
        return schedule
    }
}
