import BitaqaCore
import CoreMetrics
import Logging
import ServiceLifecycle
import Synchronization

/// This process's heartbeat, and the reaper of the dead: every `interval` it refreshes its row in
/// `workers`, releases the claims of any worker whose heartbeat is older than `timeout`, and wakes the
/// local work loops so that they take the work at once. On graceful shutdown it releases its own
/// claims and deletes its row, so nothing waits even for the timeout.
///
/// A crashed process's work is thus free again within `timeout + interval` (12 s by default) rather
/// than at the end of its leases (60 s for checks, 120 s for deliveries), which remain the upper bound
/// should every process stop beating.
public struct WorkerHeartbeat: Service {
    let workers: any WorkerRepository
    let owner: String
    let interval: Duration
    let timeout: Duration
    let time: TimeSource
    let liveness: WorkerLiveness
    let wake: [WorkSignal]
    let logger: Logger
    let metrics: any MetricsFactory

    public init(
        workers: any WorkerRepository, owner: String, interval: Duration, timeout: Duration, time: TimeSource,
        liveness: WorkerLiveness, wake: [WorkSignal], logger: Logger, metrics: any MetricsFactory
    ) {
        self.workers = workers
        self.owner = owner
        self.interval = interval
        self.timeout = timeout
        self.time = time
        self.liveness = liveness
        self.wake = wake
        self.logger = logger
        self.metrics = metrics
    }

    public func run() async throws {
        await WorkLoop.every(interval, name: "heartbeat", logger: logger) { try await beat() }
        do {
            let released = try await workers.retire(owner)
            logger.info("worker retired", metadata: ["claims_released": "\(released)"])
        } catch {
            logger.warning("worker not retired; its claims free up after the worker timeout")
        }
    }

    /// One heartbeat and one reaping; `internal` so tests can drive it without the timer.
    func beat() async throws {
        let now = time.now()
        // A row gone after an earlier beat: others took this process for dead and released its claims.
        // Work already in hand fails its owner checks; new work is claimed afresh from now on.
        if try await !workers.beat(owner, now: now), liveness.hasBeaten {
            logger.warning("this process was taken for dead (its heartbeat lapsed); its claims went to others")
            Counter(label: "bitaqa_worker_lapses_total", factory: metrics).increment()
        }
        liveness.beat(at: now)
        let reaped = try await workers.reapStale(before: now - timeout.inMilliseconds, except: owner)
        let released = reaped.values.reduce(0, +)
        if !reaped.isEmpty {
            logger.warning(
                "took back the claims of stopped workers",
                metadata: ["workers": "\(reaped.count)", "claims_released": "\(released)"])
            Counter(label: "bitaqa_claims_reclaimed_total", factory: metrics).increment(by: released)
            for signal in wake { signal.notify() }
        }
        Gauge(label: "bitaqa_workers_live", factory: metrics).record(
            try await workers.live(since: now - timeout.inMilliseconds))
    }
}

/// When this process last wrote its heartbeat, for its workers to check before they act on a claim.
public final class WorkerLiveness: Sendable {
    private let lastBeat = Atomic<Int64>(-1)
    let timeout: Duration

    public init(timeout: Duration) {
        self.timeout = timeout
    }

    func beat(at now: Int64) { lastBeat.store(now, ordering: .releasing) }

    var hasBeaten: Bool { lastBeat.load(ordering: .acquiring) >= 0 }

    /// Whether others may already take this process for dead at `now`: its last heartbeat is older than
    /// the timeout (the process was frozen, or the database unreachable). Before the first heartbeat
    /// (tests, commands without one) the process counts as alive.
    public func mayHaveLapsed(at now: Int64) -> Bool {
        let last = lastBeat.load(ordering: .acquiring)
        return last >= 0 && now - last >= timeout.inMilliseconds
    }
}
