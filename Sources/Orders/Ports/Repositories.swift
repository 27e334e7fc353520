import Audit
import BitaqaCore

/// Every repository the domain works with, as protocols, and the transactions that group their writes.
///
/// Storage builds one over a database (`Repositories(store:)`); the in-memory doubles build one for
/// the domain's own tests.
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
    public let staff: any StaffRepository
    public let workers: any WorkerRepository
    public let giftCards: any GiftCardRepository
    public let transactions: any TransactionRunner

    public init(
        orders: any OrderRepository, cards: any CardRepository, pipeline: any PipelineRepository,
        audit: any AuditRepository, leases: any LeaseRepository, rateLimits: any RateLimiter,
        webhooks: any WebhookRepository, alerts: any AlertRepository,
        consoleSessions: any ConsoleSessionRepository, staff: any StaffRepository, workers: any WorkerRepository,
        giftCards: any GiftCardRepository, transactions: any TransactionRunner
    ) {
        self.orders = orders
        self.cards = cards
        self.pipeline = pipeline
        self.audit = audit
        self.leases = leases
        self.rateLimits = rateLimits
        self.webhooks = webhooks
        self.alerts = alerts
        self.consoleSessions = consoleSessions
        self.staff = staff
        self.workers = workers
        self.giftCards = giftCards
        self.transactions = transactions
    }

    /// Runs `body` in one transaction; commits when it returns, rolls back when it throws.
    public func transaction<T: Sendable>(_ body: @escaping @Sendable (Transaction) async throws -> T) async throws -> T
    {
        try await transactions.transaction(body)
    }
}
