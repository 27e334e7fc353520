import Audit
import BitaqaCore
import CardVault
import CoreMetrics
import Logging
import Messaging
import Orders
import Storage

// Conveniences for tests only: production builds every collaborator once, in the app's composition
// root, with nothing defaulted. Tests that exercise one part over a real database use these.

extension DomainContext {
    /// The SQL repositories of `store`, with `trail` (by default the store's own, unkeyed).
    public init(store: Store, trail: AuditTrail? = nil, time: TimeSource = .system) {
        self.init(
            repositories: Repositories(store: store), trail: trail ?? AuditTrail(store: store, keys: nil), time: time)
    }
}

extension Tracker {
    /// A tracker over `store` with the test's choices and defaults for the rest.
    public init(
        store: Store, client: any InternetUpstream, vault: CardVault, audit: AuditTrail? = nil,
        schedule: TrackingSchedule, time: TimeSource = .system, logger: Logger,
        metrics: PipelineMetrics = PipelineMetrics(factory: NOOPMetricsHandler.instance), owner: String,
        batchSize: Int = 50, listBatchSize: Int = 500, concurrency: Int = 8, lease: Duration = .seconds(60),
        cardStored: WorkSignal? = nil, unknownUpstreamAfter: Duration = .seconds(3_600)
    ) {
        var limits = Limits()
        limits.batchSize = batchSize
        limits.listBatchSize = listBatchSize
        limits.concurrency = concurrency
        limits.lease = lease
        limits.unknownUpstreamAfter = unknownUpstreamAfter
        self.init(
            context: DomainContext(store: store, trail: audit, time: time), upstream: client, vault: vault,
            schedule: schedule, limits: limits, logger: logger, metrics: metrics, owner: owner, cardStored: cardStored)
    }
}

extension Deliverer {
    /// A deliverer over `store` with the test's choices and defaults for the rest.
    public init(
        store: Store, cards: CardReader, binder: ContactBinder, audit: AuditTrail? = nil,
        channels: [DeliveryChannel: any MessageChannel], backoff: DeliveryBackoff = DeliveryBackoff(),
        emailLink: (@Sendable (TopupID, UserID, String?) -> String)? = nil, time: TimeSource = .system,
        logger: Logger, metrics: PipelineMetrics = PipelineMetrics(factory: NOOPMetricsHandler.instance),
        owner: String, batchSize: Int = 20, concurrency: Int = 8, lease: Duration = .seconds(120),
        idle: Duration = .milliseconds(250), wake: WorkSignal? = nil, liveness: WorkerLiveness? = nil,
        shop: ShopIdentity = .unnamed, line: any SingleCodeLine = InternetTopups()
    ) {
        var limits = Limits()
        limits.batchSize = batchSize
        limits.concurrency = concurrency
        limits.lease = lease
        limits.idle = idle
        self.init(
            context: DomainContext(store: store, trail: audit, time: time), cards: cards, binder: binder,
            channels: channels, backoff: backoff, emailLink: emailLink, limits: limits, logger: logger,
            metrics: metrics, owner: owner, wake: wake, liveness: liveness, shop: shop, line: line)
    }
}

extension CardReader {
    /// A reader whose views are each written in a transaction of their own.
    public init(vault: CardVault, audit: AuditTrail, time: TimeSource = .system) {
        self.init(vault: vault, audit: audit, views: AuditBatcher(trail: audit), time: time)
    }
}
