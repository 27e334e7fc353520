import Audit
import BitaqaCore
import Logging
import ServiceLifecycle

/// Tells the buyer, once, that their card is delayed and will come, when the operator has kept the
/// order QUEUED for longer than `after` (`BITAQA_DELAY_NOTICE_AFTER`; the upstream promises 12 to 48
/// hours). The notice is a delivery like any other, queued with its audit event and the mark that it
/// was queued in one transaction, so across processes and restarts a buyer hears it once.
public struct DelayNotices: Service {
    let context: DomainContext
    let after: Duration
    let interval: Duration
    let logger: Logger

    /// - Parameters:
    ///   - after: how long an order may stay QUEUED before its buyer is told.
    ///   - interval: how often the service looks.
    public init(context: DomainContext, after: Duration, interval: Duration, logger: Logger) {
        self.context = context
        self.after = after
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await WorkLoop.every(interval, name: "delay notices", logger: logger) { try await scan() }
    }

    /// Queues the notices due now; returns how many orders got one.
    @discardableResult
    public func scan() async throws -> Int {
        let now = context.time.now()
        let pipeline = context.repositories.pipeline
        let due = try await pipeline.dueDelayNotices(queuedBefore: now - after.inMilliseconds, limit: 200)
        var queued = 0
        for order in due {
            let channels = order.channels.filter { channel in
                switch channel {
                case .email: order.email != nil
                case .sms: order.phone != nil
                }
            }
            let done = try await context.repositories.transaction { [trail = context.trail] transaction in
                guard try await pipeline.markDelayNoticed(order.topupId, now: now, in: transaction) else {
                    return false
                }
                let deliveries = try await pipeline.insertDeliveries(
                    order.topupId, channels: channels, purpose: .delayNotice, now: now, in: transaction)
                try await trail.append(
                    AuditEvent(
                        .delayNoticeQueued, topupId: order.topupId, actor: "delay notices",
                        details: [
                            AuditEvent.deliveriesKey: deliveries.joined(separator: ","),
                            "channels": channels.map(\.rawValue).joined(separator: ","),
                        ]),
                    now: now, in: transaction)
                return true
            }
            if done {
                queued += 1
                logger.info("delay notice queued", metadata: ["topup_id": "\(order.topupId)"])
            }
        }
        return queued
    }
}
