import Audit
import BitaqaCore
import CardVault
import Foundation
import Logging
import ServiceLifecycle

/// Follows orders until the upstream settles them.
///
/// Each pass claims the orders whose check is due (a lease, so no other worker checks them at the same
/// time), asks the upstream under the process's rate limit (`internet/list` for many recent orders at
/// once, `check-id` for the rest and for every card), and records the outcome before releasing the
/// lease. A fulfilled card is sealed, stored, queued for delivery on every channel and audited in one
/// transaction. A worker that dies leaves leases that expire, and the orders come back.
public struct Tracker: Service {
    let context: DomainContext
    let client: any InternetUpstream
    let intake: CardIntake
    let schedule: TrackingSchedule
    var time: TimeSource { context.time }
    let logger: Logger
    let metrics: PipelineMetrics
    let owner: String
    let batchSize: Int
    /// How many due orders one pass claims when it may ask the list: all of them share its calls.
    let listBatchSize: Int
    let concurrency: Int
    /// Says once that the list's items could not be read.
    let listWarning = OnceFlag()
    let lease: Duration
    /// Rung after a card is stored, to wake this process's deliverer.
    let cardStored: WorkSignal?
    /// How long the upstream may answer `NOT_FOUND` for a top-up before the order is `UNKNOWN_UPSTREAM`.
    let unknownUpstreamAfter: Duration

    /// How much one tracker takes on at once, and how long it holds what it took.
    public struct Limits: Sendable {
        public var batchSize = 50
        public var listBatchSize = 500
        public var concurrency = 8
        public var lease = Duration.seconds(60)
        /// How long the upstream may answer `NOT_FOUND` before the order is `UNKNOWN_UPSTREAM`.
        public var unknownUpstreamAfter = Duration.seconds(3_600)

        public init() {}
    }

    public init(
        context: DomainContext, upstream: any InternetUpstream, vault: CardVault, schedule: TrackingSchedule,
        limits: Limits, logger: Logger, metrics: PipelineMetrics, owner: String, cardStored: WorkSignal?
    ) {
        self.context = context
        self.client = upstream
        self.intake = CardIntake(context: context, vault: vault)
        self.schedule = schedule
        self.logger = logger
        self.metrics = metrics
        self.owner = owner
        self.batchSize = limits.batchSize
        self.listBatchSize = limits.listBatchSize
        self.concurrency = limits.concurrency
        self.lease = limits.lease
        self.cardStored = cardStored
        self.unknownUpstreamAfter = limits.unknownUpstreamAfter
    }

    public func run() async throws {
        await WorkLoop.run(name: "tracker", logger: logger, rest: restUntilNextCheck) { try await pass() }
    }

    /// Rests until the earliest order falls due (so a check happens on its schedule, not up to a rest
    /// later), at least 5 ms and at most a second, which also bounds how late new orders are seen.
    func restUntilNextCheck() async -> Duration {
        let now = time.now()
        guard let next = try? await context.repositories.leases.nextDue(.orderChecks, now: now) else {
            return .seconds(1)
        }
        return .milliseconds(min(1_000, max(5, next - now)))
    }

    /// Claims one batch of due orders and checks them: the recent ones through one or a few
    /// `internet/list` calls when there are enough of them, each of the others (and every order the list
    /// did not show, or showed FULFILLED) with its own `check-id`. Returns how many were claimed.
    @discardableResult
    public func pass() async throws -> Int {
        let now = time.now()
        let byList = schedule.listMinimum != .max
        let claimed = try await context.repositories.leases.claim(
            .orderChecks, owner: owner, now: now, leaseMillis: lease.inMilliseconds,
            limit: byList ? listBatchSize : batchSize)
        guard !claimed.isEmpty else { return 0 }
        let orders = try await context.repositories.orders.find(claimed.compactMap(TopupID.init))
        let recent = orders.filter { .milliseconds(now - $0.createdAt) <= schedule.listSpan }
        var singles = orders.filter { .milliseconds(now - $0.createdAt) > schedule.listSpan }
        // The batch in hand is finished even during a graceful shutdown: it runs outside cancellation.
        var learned: [(TopupStatus, OrderRecord)] = []
        if recent.count >= schedule.listMinimum {
            let listed = await checkByList(recent)
            learned = listed.learned
            singles = listed.forCheck + singles
        } else {
            singles += recent
        }
        // Cards first: a buyer waits for each FULFILLED one; the statuses that change nothing can wait.
        await WorkLoop.forEach(singles, limit: concurrency) { await self.check($0) }
        await record(learned)
        if let depth = try? await context.repositories.pipeline.queueDepth(now: time.now()) {
            metrics.queueDepth(checks: depth.checks, deliveries: depth.deliveries)
        }
        return claimed.count
    }

    /// Checks one order upstream now, out of its schedule (an operator's or a buyer's request): the same
    /// check a pass makes, under the same rate limit and the same lease, so it never races the tracker.
    /// Returns the order as it stands afterwards; an order that is final, or that another worker is
    /// checking at this moment, is returned as it is without a call upstream.
    ///
    /// - Parameter restartingUnknown: an operator's check (command, merchant API, console) also tracks an
    ///   `UNKNOWN_UPSTREAM` order again; a buyer's look does not.
    @discardableResult
    public func checkNow(_ topupId: TopupID, restartingUnknown: Bool = false) async throws -> CheckOutcome {
        if restartingUnknown { try await restartTracking(topupId) }
        let claimed = try await context.repositories.leases.claim(
            .orderChecks, key: topupId.rawValue, owner: owner, now: time.now(), leaseMillis: lease.inMilliseconds
        )
        var failure: UpstreamError?
        if claimed, let order = try await context.repositories.orders.find(topupId) {
            failure = await check(order)
        }
        guard let order = try await context.repositories.orders.find(topupId) else { return .notFound }
        if let failure,
            failure.isTransport || failure.isTimeout || failure.isServer || failure.isRateLimited || failure.isMalformed
        {
            return .upstreamFailed(order, failure)
        }
        return claimed ? .checked(order) : .notChecked(order)
    }

    /// What ``checkNow(_:)`` did.
    public enum CheckOutcome: Sendable {
        /// Asked upstream; the order as it stands after the answer.
        case checked(OrderRecord)
        /// The upstream did not answer (no connection, a timeout, 5xx, 429, a malformed answer); the check
        /// is rescheduled as after any failed check.
        case upstreamFailed(OrderRecord, UpstreamError)
        /// Not asked: the order is final, or another worker is checking it at this moment.
        case notChecked(OrderRecord)
        case notFound
    }

    static func errorClass(_ error: UpstreamError) -> String {
        if error.isRateLimited { return "rate_limited" }
        if error.isServer { return "server" }
        if error.isTimeout { return "timeout" }
        if error.isTransport { return "connection" }
        if error.isMalformed { return "malformed" }
        if error.isAuthentication { return "authentication" }
        if error.isNotFound { return "not_found" }
        if error.isForbidden { return "forbidden" }
        return "validation"
    }

    /// An operator asked to check an `UNKNOWN_UPSTREAM` order: it is tracked again, as a new order, from now
    /// (the upstream may know it now: a top-up placed late, a corrected id).
    func restartTracking(_ topupId: TopupID) async throws {
        let now = time.now()
        let repositories = context.repositories
        try await repositories.transaction { [trail = context.trail] transaction in
            guard try await repositories.pipeline.restartTracking(topupId, now: now, in: transaction) else {
                return
            }
            try await trail.append(
                AuditEvent.statusChanged(topupId, from: .unknownUpstream, to: .handling, actor: "operator"),
                now: now, in: transaction)
        }
    }
}
