import Audit
import BitaqaCore
import Delivery
import Logging
import Storage

/// The one path from a fulfilled order to its card in a response, shared by the in-app API and the
/// reveal page: the limits, opening the card, and `CARD_VIEWED` written before anything is shown.
struct CardRevealer {
    let store: Store
    let cards: CardReader
    let limiter: RateLimiter
    let settings: CustomerSettings
    let metrics: PipelineMetrics

    /// Who is looking, from where, through which channel.
    struct Viewer {
        let userID: UserID
        let address: String
        let userAgent: String?
        let requestID: String
        let channel: String
    }

    /// - Parameter buckets: the rate-limit buckets to charge, with their limits.
    func reveal(_ order: OrderRecord, to viewer: Viewer, buckets: [(String, Int)], logger: Logger) async throws -> CardCode {
        let now = Timestamp.nowMillis()
        for (bucket, limit) in buckets {
            if case .limited(let retry) = try await limiter.hit(bucket, limit: limit, windowMillis: Int64(settings.window * 1000), now: now) {
                throw PublicError(.rateLimited, "too many card views; try again later", retryAfter: retry)
            }
        }
        guard let stored = try await CardRepository(store: store).card(of: order.topupId) else {
            throw PublicError(.internalError, "internal error")
        }
        let code = try await cards.open(stored, requestID: viewer.requestID, logger: logger)
        do {
            try await cards.recordView(
                AuditEvent(
                    .cardViewed, topupId: order.topupId, actor: viewer.userID.rawValue, requestID: viewer.requestID,
                    details: ["channel": viewer.channel, "client": viewer.address, "user_agent": String((viewer.userAgent ?? "").prefix(200))]
                ),
                now: now
            )
        } catch {
            logger.error("card view not audited; card withheld", metadata: ["topup_id": "\(order.topupId)"])
            throw PublicError(.internalError, "internal error")
        }
        metrics.reveal(channel: viewer.channel)
        return code
    }
}
