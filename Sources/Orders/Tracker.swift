import Audit
import BitaqaCore
import CardVault
import Foundation
import Logging
import OneClickDZ
import ServiceLifecycle
import Storage

/// Follows orders until the upstream settles them.
///
/// Each pass claims the orders whose check is due (a lease, so no other worker checks them at the same
/// time), asks `check-id` under the process's rate limit, and records the outcome before releasing the
/// lease. A fulfilled card is sealed, stored, queued for delivery on every channel and audited in one
/// transaction. A worker that dies leaves leases that expire, and the orders come back.
public struct Tracker: Service {
    let context: DomainContext
    let client: OneClickDZClient
    let intake: CardIntake
    let schedule: TrackingSchedule
    var time: TimeSource { context.time }
    let logger: Logger
    let metrics: PipelineMetrics
    let owner: String
    let batchSize: Int
    let concurrency: Int
    let lease: Duration
    /// Rung after a card is stored, to wake this process's deliverer.
    let cardStored: WorkSignal?

    public init(
        store: Store, client: OneClickDZClient, vault: CardVault, audit: AuditTrail? = nil, schedule: TrackingSchedule,
        time: TimeSource = .system, logger: Logger, metrics: PipelineMetrics = PipelineMetrics(), owner: String,
        batchSize: Int = 50, concurrency: Int = 8,
        lease: Duration = .seconds(60), cardStored: WorkSignal? = nil
    ) {
        self.context = DomainContext(store: store, trail: audit, time: time)
        self.client = client
        self.intake = CardIntake(context: context, vault: vault)
        self.schedule = schedule
        self.logger = logger
        self.metrics = metrics
        self.owner = owner
        self.batchSize = batchSize
        self.concurrency = concurrency
        self.lease = lease
        self.cardStored = cardStored
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

    /// Claims one batch of due orders and checks each; returns how many were claimed.
    @discardableResult
    public func pass() async throws -> Int {
        let now = time.now()
        let claimed = try await context.repositories.leases.claim(
            .orderChecks, owner: owner, now: now, leaseMillis: lease.inMilliseconds, limit: batchSize)
        // The batch in hand is finished even during a graceful shutdown: it runs outside cancellation.
        await WorkLoop.forEach(claimed.compactMap(TopupID.init), limit: concurrency) { await self.check($0) }
        if let depth = try? await context.repositories.pipeline.queueDepth(now: time.now()) {
            metrics.queueDepth(checks: depth.checks, deliveries: depth.deliveries)
        }
        return claimed.count
    }

    /// Checks one order upstream now, out of its schedule (an operator's or a buyer's request): the same
    /// check a pass makes, under the same rate limit and the same lease, so it never races the tracker.
    /// Returns the order as it stands afterwards; an order that is final, or that another worker is
    /// checking at this moment, is returned as it is without a call upstream.
    @discardableResult
    public func checkNow(_ topupId: TopupID) async throws -> CheckOutcome {
        let claimed = try await context.repositories.leases.claim(
            .orderChecks, key: topupId.rawValue, owner: owner, now: time.now(), leaseMillis: lease.inMilliseconds
        )
        let failure = claimed ? await check(topupId) : nil
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

    /// Checks one claimed order; returns the upstream's error when it failed.
    @discardableResult
    func check(_ topupId: TopupID) async -> UpstreamError? {
        do {
            return try await checkOrThrow(topupId)
        } catch {
            logger.error(
                "order check failed", metadata: ["topup_id": "\(topupId)", "error.type": "\(type(of: error))"])
            // Leave the lease to expire: the order comes back on its own.
            return nil
        }
    }

    private func checkOrThrow(_ topupId: TopupID) async throws -> UpstreamError? {
        let repositories = context.repositories
        let pipeline = repositories.pipeline
        guard let order = try await repositories.orders.find(topupId) else { return nil }
        let status: TopupStatus
        do {
            status = try await client.checkID(topupId.rawValue)
        } catch {
            let errorClass = Self.errorClass(error)
            metrics.upstreamError(errorClass)
            let now = time.now()
            let next = schedule.nextAfterError(failures: order.checkCount, retryAfter: error.retryAfter, now: now)
            logger.info(
                "order check deferred",
                metadata: ["topup_id": "\(topupId)", "error": "\(errorClass)", "retry_in_ms": "\(next - now)"])
            try await pipeline.recordCheck(
                topupId, owner: owner, status: nil, nextCheckAt: next, error: errorClass, now: now)
            return error
        }
        let now = time.now()
        switch status.status {
        case .known(.handling):
            metrics.check("HANDLING")
            let next = schedule.nextHandlingCheck(createdAt: order.createdAt, now: now)
            if .milliseconds(now - order.createdAt) > schedule.fastWindow {
                logger.warning(
                    "order still HANDLING after five minutes; checking less often",
                    metadata: ["topup_id": "\(topupId)", "next_check_in": "\(Duration.milliseconds(next - now))"]
                )
            }
            try await pipeline.recordCheck(
                topupId, owner: owner, status: .handling, nextCheckAt: next, error: nil, now: now)
        case .known(.queued):
            metrics.check("QUEUED")
            try await repositories.transaction { [owner, schedule, trail = context.trail] transaction in
                guard
                    try await pipeline.recordCheck(
                        topupId, owner: owner, status: .queued, nextCheckAt: schedule.nextQueuedCheck(now: now),
                        error: nil, now: now,
                        in: transaction
                    )
                else { return }
                if order.status != .queued {
                    try await trail.append(
                        AuditEvent.statusChanged(topupId, from: order.status, to: .queued),
                        now: now, in: transaction
                    )
                }
            }
        case .known(.refunded):
            metrics.check("REFUNDED")
            try await repositories.transaction { [owner, trail = context.trail] transaction in
                guard try await pipeline.markRefunded(topupId, owner: owner, now: now, in: transaction) else { return }
                try await pipeline.insertDeliveries(
                    topupId, channels: order.channels, purpose: .refundNotice, now: now, in: transaction)
                try await trail.append(
                    AuditEvent.statusChanged(topupId, from: order.status, to: .refunded),
                    now: now, in: transaction
                )
            }
        case .known(.fulfilled):
            metrics.check("FULFILLED")
            guard let card = status.card else {
                logger.warning(
                    "order FULFILLED without a card code; checking again", metadata: ["topup_id": "\(topupId)"])
                try await pipeline.recordCheck(
                    topupId, owner: owner, status: nil, nextCheckAt: now + schedule.pollInterval.inMilliseconds,
                    error: "fulfilled without card", now: now
                )
                return nil
            }
            let keyID: String
            do {
                keyID = try await intake.store(card, of: order, reported: status, owner: owner, now: now)
            } catch is CardIntake.NotStored {
                return nil  // another worker took the order over, or stored the card first
            }
            cardStored?.notify()
            logger.info("card stored", metadata: ["topup_id": "\(topupId)", "key_id": "\(keyID)"])
        case .unknown(let raw):
            metrics.check("UNKNOWN")
            logger.warning(
                "upstream reported an unknown status",
                metadata: ["topup_id": "\(topupId)", "status": "\(raw.prefix(40))"])
            try await pipeline.recordCheck(
                topupId, owner: owner, status: nil,
                nextCheckAt: schedule.nextHandlingCheck(createdAt: order.createdAt, now: now),
                error: "unknown status", now: now
            )
        }
        return nil
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
}
