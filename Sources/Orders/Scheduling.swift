import BitaqaCore
import Foundation

/// When to check an order again. Times are `Duration`s; stored times are milliseconds since 1970.
///
/// Checks of HANDLING orders fall on a grid of `pollInterval` counted from 1970, the same for every
/// process: orders placed at different moments come due together, so one `internet/list` call can
/// answer for all of them instead of one `check-id` each.
public struct TrackingSchedule: Sendable {
    /// Between checks while HANDLING in the first five minutes (`BITAQA_POLL_INTERVAL`).
    public var pollInterval: Duration
    /// How long the fast polling lasts, as the upstream recommends (5 minutes).
    public var fastWindow: Duration = .seconds(300)
    /// The longest wait between two checks of a HANDLING order.
    public var maxInterval: Duration = .seconds(900)
    /// Between checks of a QUEUED order in its first `queuedEarlyFor` (`BITAQA_QUEUED_CHECK_EARLY`).
    public var queuedEarly: Duration
    /// Between checks of a QUEUED order after that (`BITAQA_QUEUED_CHECK_LATER`).
    public var queuedLater: Duration
    /// How long a QUEUED order is checked at the early interval, from its registration
    /// (`BITAQA_QUEUED_EARLY_FOR`).
    public var queuedEarlyFor: Duration
    /// An order not final this long after registration is overdue: the upstream promises QUEUED top-ups
    /// within 48 hours.
    public var overdueAfter: Duration = .seconds(72 * 3_600)
    /// Orders registered within this span are checked through the list; older ones (QUEUED for hours,
    /// stuck) one by one, as a window that long would cost many pages.
    public var listSpan: Duration = .seconds(3_600)
    /// The fewest due orders worth a list call.
    public var listMinimum = 2
    /// Added before the oldest order's registration and after now: the upstream's clock and the moment
    /// it recorded the top-up differ a little from ours.
    public var listMargin: Duration = .seconds(30)

    /// The upstream documents HANDLING as lasting 3 to 45 s: a check sooner than 3 s after `send` can
    /// only answer HANDLING.
    public static let minimumHandling: Duration = .seconds(3)

    /// From registration to the first check: the upstream's minimum HANDLING time, or the poll interval
    /// when that is shorter (tests and impatient sandboxes).
    public var firstCheckDelay: Duration { min(Self.minimumHandling, pollInterval) }

    public init(
        pollInterval: Duration, queuedEarly: Duration = .seconds(900), queuedLater: Duration = .seconds(1_800),
        queuedEarlyFor: Duration = .seconds(7_200)
    ) {
        self.pollInterval = pollInterval
        self.queuedEarly = queuedEarly
        self.queuedLater = queuedLater
        self.queuedEarlyFor = queuedEarlyFor
    }

    /// The first check of an order registered at `now`: after ``firstCheckDelay``, on the grid.
    public func firstCheck(now: Int64) -> Int64 {
        onGrid(now + firstCheckDelay.inMilliseconds)
    }

    /// `time` rounded up to the next multiple of the poll interval.
    public func onGrid(_ time: Int64) -> Int64 {
        let step = max(1, pollInterval.inMilliseconds)
        return (time + step - 1) / step * step
    }

    /// Next check of a HANDLING order registered at `createdAt`: every poll interval for five minutes,
    /// then twice as far apart for each further five minutes, up to `maxInterval`, on the grid. Never
    /// "give up".
    ///
    /// The grid point nearest to one interval from now, not the next one after it: a pass that runs a
    /// few milliseconds after its grid point must come back one interval later, not two.
    public func nextHandlingCheck(createdAt: Int64, now: Int64) -> Int64 {
        let interval = handlingInterval(elapsed: .milliseconds(now - createdAt)).inMilliseconds
        return onGrid(now + interval - pollInterval.inMilliseconds / 2)
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

    /// Next check of a QUEUED order registered at `createdAt`: often in its first hours, when the
    /// upstream says most are delivered, then less often; never dropped.
    public func nextQueuedCheck(createdAt: Int64, now: Int64) -> Int64 {
        let early = .milliseconds(now - createdAt) < queuedEarlyFor
        return now + (early ? queuedEarly : queuedLater).inMilliseconds
    }

    /// Whether an order registered at `createdAt` is past the upstream's promise and still not final.
    public func isOverdue(createdAt: Int64, now: Int64) -> Bool {
        .milliseconds(now - createdAt) > overdueAfter
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
