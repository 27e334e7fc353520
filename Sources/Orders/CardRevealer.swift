import Audit
import BitaqaCore
import Logging

/// The one path from a fulfilled order to its card in a response, shared by the in-app API and the
/// reveal page: the limits, opening the card, and `CARD_VIEWED` written before anything is shown.
public struct CardRevealer: Sendable {
    let context: DomainContext
    let cards: CardReader
    let window: Duration
    let metrics: PipelineMetrics

    /// - Parameter window: the sliding window of the reveal limits.
    public init(context: DomainContext, cards: CardReader, window: Duration, metrics: PipelineMetrics) {
        self.context = context
        self.cards = cards
        self.window = window
        self.metrics = metrics
    }

    /// Who is looking, from where, through which channel.
    public struct Viewer: Sendable {
        public let userID: UserID
        public let address: String
        public let userAgent: String?
        public let requestID: String
        /// The caller's own `X-Request-Id`, kept apart from the service's.
        public let clientRequestID: String?
        /// `in-app` or `web`.
        public let channel: String

        public init(
            userID: UserID, address: String, userAgent: String?, requestID: String, clientRequestID: String? = nil,
            channel: String
        ) {
            self.userID = userID
            self.address = address
            self.userAgent = userAgent
            self.requestID = requestID
            self.clientRequestID = clientRequestID
            self.channel = channel
        }
    }

    /// The card of a fulfilled order, once every limit allowed it and its `CARD_VIEWED` is committed.
    ///
    /// - Parameter buckets: the rate-limit buckets to charge, with their limits (0: no limit).
    public func reveal(_ order: OrderRecord, to viewer: Viewer, buckets: [(String, Int)], logger: Logger) async throws
        -> CardCode
    {
        guard order.status == .fulfilled else { throw PublicError.notReady(order.status, locale: order.locale) }
        let now = context.time.now()
        for (bucket, limit) in buckets {
            let decision = try await context.repositories.rateLimits.hit(
                bucket, limit: limit, windowMillis: window.inMilliseconds, now: now
            )
            if case .limited(let retry) = decision {
                throw PublicError(.rateLimited, BuyerMessage.tooManyViews(order.locale), retryAfter: retry)
            }
        }
        // The order was read with its sealed card: one statement fewer per view.
        var stored = order.storedCard
        if stored == nil { stored = try await context.repositories.cards.card(of: order.topupId) }
        guard let stored else {
            throw PublicError(.internalError, "internal error")
        }
        let code = try await cards.open(stored, requestID: viewer.requestID, logger: logger)
        do {
            try await cards.recordView(
                AuditEvent(
                    .cardViewed, topupId: order.topupId, actor: viewer.userID.rawValue, requestID: viewer.requestID,
                    details: [
                        "channel": viewer.channel, "client": viewer.address,
                        "user_agent": String((viewer.userAgent ?? "").prefix(200)),
                    ].with(clientRequestID: viewer.clientRequestID)
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
