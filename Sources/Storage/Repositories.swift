/// Every repository over one store, as the protocols the domain layer receives, and the transactions
/// that group their writes.
public struct Repositories: Sendable {
    public let orders: any OrderRepository
    public let cards: any CardRepository
    public let pipeline: any PipelineRepository
    public let audit: any AuditRepository
    public let leases: any LeaseRepository
    public let rateLimits: any RateLimiter
    public let webhooks: any WebhookRepository
    public let alerts: any AlertRepository
    public let consoleSessions: any ConsoleSessionRepository
    public let workers: any WorkerRepository
    let transactions: any TransactionRunner

    /// The SQL repositories of `store`.
    public init(store: Store) {
        orders = SQLOrderRepository(store: store)
        cards = SQLCardRepository(store: store)
        pipeline = SQLPipelineRepository(store: store)
        audit = SQLAuditRepository(store: store)
        leases = SQLLeases(store: store)
        rateLimits = SQLRateLimiter(store: store)
        webhooks = SQLWebhookRepository(store: store)
        alerts = SQLAlertRepository(store: store)
        consoleSessions = SQLConsoleSessionRepository(store: store)
        workers = SQLWorkers(store: store)
        transactions = store
    }

    /// Runs `body` in one transaction; commits when it returns, rolls back when it throws.
    public func transaction<T: Sendable>(_ body: @escaping @Sendable (Transaction) async throws -> T) async throws -> T
    {
        try await transactions.transaction(body)
    }
}
