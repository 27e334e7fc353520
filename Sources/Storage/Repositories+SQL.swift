import BitaqaCore
import Orders

extension Repositories {
    /// The SQL repositories of `store`.
    public init(store: Store) {
        self.init(
            orders: SQLOrderRepository(store: store), cards: SQLCardRepository(store: store),
            pipeline: SQLPipelineRepository(store: store), audit: SQLAuditRepository(store: store),
            leases: SQLLeases(store: store), rateLimits: SQLRateLimiter(store: store),
            webhooks: SQLWebhookRepository(store: store), alerts: SQLAlertRepository(store: store),
            consoleSessions: SQLConsoleSessionRepository(store: store), staff: SQLStaffRepository(store: store),
            workers: SQLWorkers(store: store), giftCards: SQLGiftCardRepository(store: store),
            transactions: store)
    }
}
