import BitaqaCore
import Foundation

/// When to check an order again. Times are `Duration`s; stored times are milliseconds since 1970.
public struct TrackingSchedule: Sendable {
    /// Between checks while HANDLING in the first five minutes (`BITAQA_POLL_INTERVAL`).
    public var pollInterval: Duration
    /// How long the fast polling lasts, as the upstream recommends (5 minutes).
    public var fastWindow: Duration = .seconds(300)
    /// The longest wait between two checks of a HANDLING order.
    public var maxInterval: Duration = .seconds(900)
    /// Before a QUEUED order is checked again (the upstream says 12 to 48 hours).
    public var queuedRecheck: Duration

    /// The upstream documents HANDLING as lasting 3 to 45 s: a check sooner than 3 s after `send` can
    /// only answer HANDLING.
    public static let minimumHandling: Duration = .seconds(3)

    /// From registration to the first check: the upstream's minimum HANDLING time, or the poll interval
    /// when that is shorter (tests and impatient sandboxes).
    public var firstCheckDelay: Duration { min(Self.minimumHandling, pollInterval) }

    public init(pollInterval: Duration, queuedRecheck: Duration = .seconds(6 * 3600)) {
        self.pollInterval = pollInterval
        self.queuedRecheck = queuedRecheck
    }

    /// Next check of a HANDLING order registered at `createdAt`: every poll interval for five minutes,
    /// then twice as far apart for each further five minutes, up to `maxInterval`. Never "give up".
    public func nextHandlingCheck(createdAt: Int64, now: Int64) -> Int64 {
        now + handlingInterval(elapsed: .milliseconds(now - createdAt)).inMilliseconds
    }

    public func handlingInterval(elapsed: Duration) -> Duration {
        guard elapsed >= fastWindow else { return pollInterval }
        let doublings = min(20, 1 + (elapsed - fastWindow) / fastWindow)
        return min(maxInterval, max(pollInterval, pollInterval * pow(2, doublings.rounded(.down))))
    }

    /// Next check after a failed check: exponential in the failures so far, with jitter, never sooner than
    /// the upstream's `Retry-After` (seconds).
    public func nextAfterError(failures: Int, retryAfter: Double?, now: Int64) -> Int64 {
        let base = min(maxInterval, pollInterval * pow(2, Double(min(failures, 12))))
        let jittered = base * Double.random(in: 0.5...1)
        return now + max(jittered, .seconds(decimal: retryAfter ?? 0), pollInterval).inMilliseconds
    }

    /// Next check of a QUEUED order.
    public func nextQueuedCheck(now: Int64) -> Int64 {
        now + queuedRecheck.inMilliseconds
    }
}

/// Retry timing of deliveries: capped exponential backoff with full jitter.
public struct DeliveryBackoff: Sendable {
    public var base: Duration
    public var cap: Duration
    public var maxAttempts: Int

    public init(maxAttempts: Int = 10, base: Duration = .seconds(2), cap: Duration = .seconds(600)) {
        self.maxAttempts = maxAttempts
        self.base = base
        self.cap = cap
    }

    public func delay(afterAttempts attempts: Int) -> Duration {
        min(cap, base * pow(2, Double(max(0, attempts - 1)))) * Double.random(in: 0.5...1)
    }
}
