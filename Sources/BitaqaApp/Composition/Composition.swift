import Audit
import BitaqaCore
import BitaqaHTTP
import CardVault
import Foundation
import Logging
import Messaging
import NIOCore
import OneClickDZ
import Orders
import Storage

/// The one composition root: every collaborator of Bitaqa, built once from configuration.
///
/// `serve` and every command that touches orders build one with ``make(_:purpose:logger:scrubber:metrics:)``,
/// so a card stored by `bitaqa orders check` goes through the same keyed audit trail (and so the same
/// webhook outbox) as one stored by `serve`'s tracker. Nothing here has a default collaborator.
public struct Composition: Sendable {
    /// Who the composition is for: the server, or a named command (its leases and its user agent).
    public enum Purpose: Sendable, Equatable {
        case server
        case command(String)
    }

    public let configuration: BitaqaConfiguration
    /// The product line this service sells (internet top-ups).
    public let line: any SingleCodeLine
    public let secrets: ResolvedSecrets
    public let store: Store
    /// The repositories, the keyed trail (writing webhook messages when webhooks are on) and the clock.
    public let domain: DomainContext
    public let outbox: WebhookOutbox?
    public let vault: CardVault
    public let binder: ContactBinder
    public let revealTokens: RevealTokens
    public let upstream: Upstream
    public let account: UpstreamAccount
    public let registrar: OrderRegistrar
    public let reconciler: Reconciler
    public let tracker: Tracker
    /// The gift-card line: catalogue, placement, tracking.
    public let giftCards: GiftCards
    public let onDemand: OnDemandCheck
    /// The service the on-demand checks run in; `serve` runs it, a command has no use for it.
    public let backgroundChecks: BackgroundChecks
    public let resender: Resender
    /// The merchant's use cases on one order: show, check now, place, resend.
    public let orders: MerchantOrders
    public let webhookRetry: WebhookRetry
    public let correction: ContactCorrection
    /// A buyer's requests about their personal data: export and erasure.
    public let buyers: BuyerData
    public let contactMetrics: ContactMetrics
    /// The staff members and their tokens (`bitaqa staff`, the API, the console).
    public let staff: StaffDirectory
    public let checkpoints: CheckpointWriter
    public let metrics: MetricsRegistry
    public let pipelineMetrics: PipelineMetrics
    /// This process's name on the leases it takes.
    public let owner: String
    /// Rung when the tracker stores a card, to wake this process's deliverer.
    public let cardStored: WorkSignal
    /// What was opened (the pool, the HTTP clients), closed once, newest first.
    public let resources: Resources

    /// Opens the database (migrating it), the upstream client and everything built over them.
    ///
    /// A failure halfway closes what was opened before it is rethrown.
    public static func make(
        _ configuration: BitaqaConfiguration, purpose: Purpose, logger: Logger, scrubber: SecretScrubber,
        metrics: MetricsRegistry
    ) async throws -> Composition {
        let secrets = try resolveSecrets(configuration, logger: logger)
        registerSecretsForScrubbing(configuration, secrets, in: scrubber)
        let resources = Resources()
        do {
            return try await assemble(
                configuration, secrets: secrets, purpose: purpose, resources: resources, logger: logger,
                scrubber: scrubber, metrics: metrics)
        } catch {
            await resources.closeAll(logger: logger)
            throw error
        }
    }

    /// Closes what ``make(_:purpose:logger:scrubber:metrics:)`` opened; for commands (the server's
    /// ``OwnedServices`` closes them after its services stop).
    public func close(logger: Logger) async {
        await resources.closeAll(logger: logger)
    }

    private static func assemble(
        _ configuration: BitaqaConfiguration, secrets: ResolvedSecrets, purpose: Purpose, resources: Resources,
        logger: Logger, scrubber: SecretScrubber, metrics: MetricsRegistry
    ) async throws -> Composition {
        let owner: String
        let agent: String
        switch purpose {
        case .server:
            owner = WorkerIdentity.make()
            agent = owner
        case .command(let name):
            owner = "bitaqa \(name) \(getpid())"
            agent = name
        }
        let loops = System.coreCount
        let store = try await Store.open(
            configuration.storage.database, logger: logger,
            maxPostgresConnectionsPerLoop: max(1, (configuration.storage.poolSize + loops - 1) / loops),
            contacts: ContactSeal(ring: secrets.keyRing))
        resources.own("database") { await store.shutdown() }
        try await Migrator(store: store, logger: logger).migrate()
        let upstream = try Upstream.make(
            configuration, worker: agent, sandboxIfNoKey: purpose == .server, resources: resources, scrubber: scrubber,
            logger: logger)

        let ring = secrets.keyRing
        let repositories = Repositories(store: store)
        // Every event is authenticated with a key derived from the ring; with webhooks, the events the
        // shop hears of are written to the outbox in the transaction that records them.
        let outbox = configuration.webhooks.settings.map {
            WebhookOutbox(repository: repositories.webhooks, types: $0.types, keys: WebhookMessageKeys(ring: ring))
        }
        var trail = AuditTrail(store: store, keys: AuditKeys(ring: ring))
        if let outbox { trail = trail.notifying(outbox) }
        let time = TimeSource.system
        let domain = DomainContext(repositories: repositories, trail: trail, time: time)
        let vault = CardVault(keyRing: ring)
        let binder = ContactBinder(ring: ring)
        let pipelineMetrics = PipelineMetrics(factory: metrics.factory)
        let contactMetrics = ContactMetrics(factory: metrics.factory)
        let cardStored = WorkSignal()
        let pipeline = configuration.pipeline
        var limits = Tracker.Limits()
        limits.concurrency = pipeline.concurrency
        limits.lease = pipeline.lease
        limits.unknownUpstreamAfter = pipeline.unknownUpstreamAfter
        let tracker = Tracker(
            context: domain, upstream: upstream.client, vault: vault, schedule: pipeline.schedule, limits: limits,
            logger: logger, metrics: pipelineMetrics, owner: owner, cardStored: cardStored)
        let registrar = OrderRegistrar(context: domain, schedule: pipeline.schedule, binder: binder)
        let account = UpstreamAccount(client: upstream.client, lifetime: .seconds(30), factory: metrics.factory)
        let backgroundChecks = BackgroundChecks()
        let onDemand = OnDemandCheck(
            tracker: tracker, after: pipeline.checkOnDemandAfter, wait: .seconds(2), background: backgroundChecks)
        let resender = Resender(context: domain)
        return Composition(
            configuration: configuration, line: InternetTopups(), secrets: secrets, store: store, domain: domain,
            outbox: outbox,
            vault: vault, binder: binder, revealTokens: RevealTokens(ring: ring), upstream: upstream,
            account: account, registrar: registrar,
            reconciler: Reconciler(
                context: domain, client: upstream.client, registrar: registrar, giftCards: upstream.client),
            tracker: tracker,
            giftCards: GiftCards(
                context: domain, upstream: upstream.client, vault: vault, binder: binder, account: account,
                maxQuantity: configuration.giftCards.maxQuantity, schedule: configuration.giftCards.schedule,
                logger: logger, metrics: GiftCardMetrics(factory: metrics.factory)),
            onDemand: onDemand, backgroundChecks: backgroundChecks, resender: resender,
            orders: MerchantOrders(
                context: domain, registrar: registrar, upstream: upstream.client,
                catalogue: Catalogue(client: upstream.client, lifetime: .seconds(60)), account: account,
                onDemand: onDemand, resender: resender),
            webhookRetry: WebhookRetry(context: domain),
            correction: ContactCorrection(context: domain, binder: binder),
            buyers: BuyerData(context: domain, binder: binder, metrics: contactMetrics),
            contactMetrics: contactMetrics,
            staff: StaffDirectory(context: domain, ring: ring),
            checkpoints: CheckpointWriter(
                trail: trail, keys: CheckpointKeys(ring: ring),
                file: CheckpointFile(path: configuration.audit.checkpointFile),
                copy: configuration.audit.checkpointCopy.map(CheckpointFile.init(path:)), logger: logger, time: time),
            metrics: metrics, pipelineMetrics: pipelineMetrics, owner: owner, cardStored: cardStored,
            resources: resources)
    }
}

extension Composition {
    /// Runs `body` with a composition for the command `name`, closing it whether `body` returns or throws.
    public static func withCommand<T>(
        _ name: String, _ configuration: BitaqaConfiguration, logger: Logger,
        _ body: (Composition) async throws -> T
    ) async throws -> T {
        let composition = try await make(
            configuration, purpose: .command(name), logger: logger, scrubber: SecretScrubber(),
            metrics: MetricsRegistry())
        do {
            let result = try await body(composition)
            await composition.close(logger: logger)
            return result
        } catch {
            await composition.close(logger: logger)
            throw error
        }
    }
}
