import BitaqaCore
import Logging
import ServiceLifecycle

/// Finds orders not final long past their expected time (HANDLING after 10 minutes, QUEUED after 72
/// hours; the upstream promises 3 to 45 s and 12 to 48 hours) and reports each once as `order.stuck`.
/// The report and the mark that it was made share a transaction, so across processes and restarts each
/// order is reported once.
public struct StuckOrderWatcher: Service {
    let context: DomainContext
    let outbox: WebhookOutbox
    let interval: Duration
    let handlingAfter: Duration
    let queuedAfter: Duration
    let logger: Logger

    public init(
        context: DomainContext, outbox: WebhookOutbox, interval: Duration = .seconds(60),
        handlingAfter: Duration = .seconds(600), queuedAfter: Duration = .seconds(72 * 3_600), logger: Logger
    ) {
        self.context = context
        self.outbox = outbox
        self.interval = interval
        self.handlingAfter = handlingAfter
        self.queuedAfter = queuedAfter
        self.logger = logger
    }

    public func run() async throws {
        await WorkLoop.every(interval, name: "stuck order scan", logger: logger) { try await scan() }
    }

    /// Reports the stuck orders found now; returns how many.
    @discardableResult
    public func scan() async throws -> Int {
        let now = context.time.now()
        let webhooks = context.repositories.webhooks
        let stuck = try await webhooks.unreportedStuck(
            handlingBefore: now - handlingAfter.inMilliseconds, queuedBefore: now - queuedAfter.inMilliseconds,
            limit: 200)
        var reported = 0
        for order in stuck {
            var data: [String: String] = [
                "userId": order.userId.rawValue, "status": order.status.rawValue,
                "since": Timestamp.iso8601(order.createdAt), "product": order.productLine.rawValue,
            ]
            if order.productLine == .giftCard {
                // Named as every gift-card webhook names its order: the shop's ref and the upstream's id.
                data["ref"] = order.topupRef ?? ""
                if let ref = order.topupRef,
                    let orderId = try await context.repositories.giftCards.find(ref: ref)?
                        .details.orderId
                {
                    data["orderId"] = orderId
                }
            } else {
                data["topupId"] = order.topupId.rawValue
                data["topupRef"] = order.topupRef ?? ""
            }
            let marked = try await context.repositories.transaction { [outbox, data] transaction in
                guard try await webhooks.markStuckReported(order.topupId, now: now, in: transaction) else {
                    return false
                }
                try await outbox.enqueue(.orderStuck, topupId: order.topupId, data: data, now: now, in: transaction)
                return true
            }
            if marked {
                reported += 1
                logger.warning(
                    "order stuck", metadata: ["topup_id": "\(order.topupId)", "status": "\(order.status.rawValue)"])
            }
        }
        return reported
    }
}
