import Audit
import BitaqaCore
import Logging

extension Tracker {
    /// Checks one claimed order with `check-id`; returns the upstream's error when it failed.
    @discardableResult
    func check(_ order: OrderRecord) async -> UpstreamError? {
        do {
            let status: TopupStatus
            do {
                metrics.upstreamCall("check-id")
                status = try await client.checkID(order.topupId.rawValue)
            } catch {
                try await deferAfter(error, order)
                return error
            }
            try await apply(status, to: order)
        } catch {
            logger.error(
                "order check failed", metadata: ["topup_id": "\(order.topupId)", "error.type": "\(type(of: error))"])
            // Leave the lease to expire: the order comes back on its own.
        }
        return nil
    }

    /// Records a failed call about a claimed order and when to ask again.
    func deferAfter(_ error: UpstreamError, _ order: OrderRecord) async throws {
        let now = time.now()
        if error.isNotFound, now - order.trackingStart >= unknownUpstreamAfter.inMilliseconds {
            return try await giveUpUnknown(order, now: now)
        }
        let next = schedule.nextAfterError(failures: order.checkCount, retryAfter: error.retryAfter, now: now)
        logger.info(
            "order check deferred",
            metadata: [
                "topup_id": "\(order.topupId)", "error": "\(Self.errorClass(error))", "retry_in_ms": "\(next - now)",
            ])
        try await context.repositories.pipeline.recordCheck(
            order.topupId, owner: owner, status: nil, nextCheckAt: next, error: Self.errorClass(error), now: now)
    }

    /// Records what the upstream said of a claimed order (by `check-id`, or by the list for any status
    /// but FULFILLED, whose card only `check-id` carries).
    func apply(_ status: TopupStatus, to order: OrderRecord) async throws {
        let topupId = order.topupId
        let repositories = context.repositories
        let pipeline = repositories.pipeline
        let now = time.now()
        switch status.status {
        case .known(.handling), .known(.unknownUpstream):
            metrics.check("HANDLING")
            let next = schedule.nextHandlingCheck(createdAt: order.trackingStart, now: now)
            warnIfLate(order, now: now, next: next)
            try await pipeline.recordCheck(
                topupId, owner: owner, status: .handling, nextCheckAt: next, error: nil, now: now)
        case .known(.queued):
            metrics.check("QUEUED")
            warnIfLate(order, now: now, next: nil)
            try await repositories.transaction { [owner, schedule, trail = context.trail] transaction in
                guard
                    try await pipeline.recordCheck(
                        topupId, owner: owner, status: .queued,
                        nextCheckAt: schedule.nextQueuedCheck(createdAt: order.createdAt, now: now),
                        error: nil, now: now, in: transaction
                    )
                else { return }
                if order.status != .queued {
                    try await trail.append(
                        AuditEvent.statusChanged(topupId, from: order.status, to: .queued), now: now, in: transaction)
                }
            }
        case .known(.refunded):
            metrics.check("REFUNDED")
            try await repositories.transaction { [owner, trail = context.trail] transaction in
                guard try await pipeline.markRefunded(topupId, owner: owner, now: now, in: transaction) else { return }
                let deliveries = try await pipeline.insertDeliveries(
                    topupId, channels: order.channels, purpose: .refundNotice, now: now, in: transaction)
                var event = AuditEvent.statusChanged(topupId, from: order.status, to: .refunded)
                event.details[AuditEvent.deliveriesKey] = deliveries.joined(separator: ",")
                try await trail.append(event, now: now, in: transaction)
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
                return
            }
            let keyID: String
            do {
                keyID = try await intake.store(card, of: order, reported: status, owner: owner, now: now)
            } catch is CardIntake.NotStored {
                return  // another worker took the order over, or stored the card first
            }
            cardStored?.notify()
            logger.info("card stored", metadata: ["topup_id": "\(topupId)", "key_id": "\(keyID)"])
        case .known(.partiallyFilled), .known(.placing), .known(.notPlaced), .known(.uncertain):
            // `UpstreamStatus` never maps a top-up's answer to a gift card's status; kept apart all the same.
            try await recordUnknown(status.status.description, of: order, now: now)
        case .unknown(let raw):
            try await recordUnknown(raw, of: order, now: now)
        }
    }

    private func recordUnknown(_ raw: String, of order: OrderRecord, now: Int64) async throws {
        metrics.check("UNKNOWN")
        logger.warning(
            "upstream reported an unknown status",
            metadata: ["topup_id": "\(order.topupId)", "status": "\(raw.prefix(40))"])
        try await context.repositories.pipeline.recordCheck(
            order.topupId, owner: owner, status: nil,
            nextCheckAt: schedule.nextHandlingCheck(createdAt: order.trackingStart, now: now),
            error: "unknown status", now: now
        )
    }

    /// HANDLING past the upstream's five minutes, or not final past its 48-hour promise for QUEUED: said
    /// in the log, and counted, at each check.
    private func warnIfLate(_ order: OrderRecord, now: Int64, next: Int64?) {
        let age = Duration.milliseconds(now - order.createdAt)
        if schedule.isOverdue(createdAt: order.createdAt, now: now) {
            metrics.overdue()
            logger.warning(
                "order not final long after the upstream's promise",
                metadata: ["topup_id": "\(order.topupId)", "age_hours": "\(Int(age.inSeconds / 3_600))"])
        } else if let next, age > schedule.fastWindow {
            logger.warning(
                "order still HANDLING after five minutes; checking less often",
                metadata: ["topup_id": "\(order.topupId)", "next_check_in": "\(Duration.milliseconds(next - now))"]
            )
        }
    }

    /// The upstream has answered `NOT_FOUND` for this top-up for longer than ``unknownUpstreamAfter``: it
    /// never knew it (a mistyped id, a top-up placed elsewhere). The order says so and tracking stops,
    /// instead of asking forever at growing intervals; `bitaqa orders check` restarts it.
    func giveUpUnknown(_ order: OrderRecord, now: Int64) async throws {
        logger.warning(
            "the upstream does not know this top-up; tracking stopped (UNKNOWN_UPSTREAM)",
            metadata: ["topup_id": "\(order.topupId)"])
        metrics.check(OrderStatus.unknownUpstream.rawValue)
        let pipeline = context.repositories.pipeline
        try await context.repositories.transaction { [owner, trail = context.trail] transaction in
            guard
                try await pipeline.recordCheck(
                    order.topupId, owner: owner, status: .unknownUpstream, nextCheckAt: nil, error: "not_found",
                    now: now, in: transaction)
            else { return }
            try await trail.append(
                AuditEvent.statusChanged(order.topupId, from: order.status, to: .unknownUpstream), now: now,
                in: transaction)
        }
    }
}
