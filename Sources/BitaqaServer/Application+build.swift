import AsyncHTTPClient
import Audit
import BitaqaCore
import CardVault
import Configuration
import Foundation
import HTTPServing
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import Messaging
import NIOCore
import NIOSSL
import OneClickDZ
import Orders
import ServiceLifecycle
import Storage
import Synchronization

/// What the running service resolved at startup, beyond the raw configuration.
public struct ResolvedSecrets: Sendable {
    public let adminToken: Secret
    public let keyRing: KeyRing
}

/// Builds the whole service from configuration: storage, routes, middleware and background services.
///
/// Everything opened here (the database pool, HTTP clients) is owned by the application's services and
/// closed after they stop; a startup that fails halfway closes what it had opened before rethrowing.
///
/// - Parameters:
///   - reader: the configuration (command-line options, environment, `.env`; an in-memory provider in tests).
///   - logger: the logger to use; by default one labelled `bitaqa` at the configured level.
///   - scrubber: the log scrubber, told every secret this application resolves.
///   - metrics: the registry `/metrics` shows and the pipeline records into.
public func buildApplication(
    reader: ConfigReader, logger providedLogger: Logger? = nil, scrubber: SecretScrubber = SecretScrubber(),
    metrics: MetricsRegistry = MetricsRegistry()
) async throws -> some ApplicationProtocol {
    let configuration = try BitaqaConfiguration(reader: reader)
    var logger = providedLogger ?? Logger(label: "bitaqa")
    logger.logLevel = configuration.log.level
    let secrets = try resolveSecrets(configuration, logger: logger)
    registerSecretsForScrubbing(configuration, secrets, in: scrubber)
    let resources = Resources()
    do {
        return try await assembleApplication(
            configuration, secrets: secrets, resources: resources, scrubber: scrubber, metrics: metrics, logger: logger
        )
    } catch {
        await resources.closeAll(logger: logger)
        throw error
    }
}

/// The body of ``buildApplication(reader:logger:scrubber:metrics:)`` once the configuration is known;
/// every resource it opens is registered with `resources` at once.
private func assembleApplication(
    _ configuration: BitaqaConfiguration, secrets: ResolvedSecrets, resources: Resources, scrubber: SecretScrubber,
    metrics: MetricsRegistry, logger: Logger
) async throws -> some ApplicationProtocol {
    let appLogger = logger
    let owner = WorkerIdentity.make()
    let loops = System.coreCount
    let store = try await Store.open(
        configuration.storage.database, logger: logger,
        maxPostgresConnectionsPerLoop: max(1, (configuration.storage.poolSize + loops - 1) / loops)
    )
    resources.own("database") { await store.shutdown() }
    // Before any service runs: the tracker and deliverer start with the server.
    try await Migrator(store: store, logger: logger).migrate()
    let upstream = try Upstream.make(
        configuration, worker: owner, resources: resources, scrubber: scrubber, logger: logger)
    try await refuseImplicitDevelopmentWithRealKey(configuration, upstream: upstream.client)
    let channels = try messageChannels(configuration, resources: resources, logger: logger)
    let authenticator = try await customerAuthenticator(configuration, scrubber: scrubber, logger: logger)
    // Every event the service writes is authenticated with a key derived from the ring; with webhooks,
    // the events the shop hears of are written to the outbox in the same transaction.
    let outbox = configuration.webhooks.settings.map {
        WebhookOutbox(
            repository: SQLWebhookRepository(store: store), types: $0.types,
            keys: WebhookMessageKeys(ring: secrets.keyRing))
    }
    var trail = AuditTrail(store: store, keys: AuditKeys(ring: secrets.keyRing))
    if let outbox { trail = trail.notifying(outbox) }
    let checkpoints = CheckpointWriter(
        trail: trail, keys: CheckpointKeys(ring: secrets.keyRing),
        file: CheckpointFile(path: configuration.audit.checkpointFile),
        copy: configuration.audit.checkpointCopy.map(CheckpointFile.init(path:)), logger: logger
    )

    let time = TimeSource.system
    let vault = CardVault(keyRing: secrets.keyRing)
    let revealTokens = RevealTokens(ring: secrets.keyRing)
    let publicURL = configuration.http.publicURL
    var emailLink: (@Sendable (TopupID, UserID, String?) -> String)?
    if configuration.messaging.emailMode == .link {
        emailLink = { topupId, userId, contactBinding in
            let expires = time.now() + Duration.seconds(7 * 24 * 3_600).inMilliseconds
            return publicURL + "/cards/"
                + revealTokens.issue(
                    topupId: topupId, userId: userId, expiresAt: expires, contactBinding: contactBinding)
        }
    }
    let pipelineMetrics = PipelineMetrics(factory: metrics.factory)
    let schedule = configuration.pipeline.schedule
    let cardStored = WorkSignal()
    let liveness = WorkerLiveness(timeout: configuration.pipeline.workerTimeout)
    let account = UpstreamAccount(client: upstream.client, factory: metrics.factory)
    let tracker = Tracker(
        store: store, client: upstream.client, vault: vault, audit: trail,
        schedule: schedule,
        logger: logger, metrics: pipelineMetrics, owner: owner, concurrency: configuration.pipeline.concurrency,
        lease: configuration.pipeline.lease, cardStored: cardStored,
        unknownUpstreamAfter: configuration.pipeline.unknownUpstreamAfter
    )
    let views = AuditBatcher(trail: trail)
    let denials = DenialRecorder(
        trail: trail, time: time, window: configuration.audit.denialWindow, logger: logger)
    let cards = CardReader(vault: vault, audit: trail, views: views, time: time)
    let binder = ContactBinder(ring: secrets.keyRing)
    let deliverer = Deliverer(
        store: store, cards: cards, binder: binder, audit: trail, channels: channels,
        backoff: DeliveryBackoff(
            maxAttempts: configuration.pipeline.deliveryMaxAttempts, base: configuration.pipeline.deliveryRetryBase,
            cap: configuration.pipeline.deliveryRetryCap
        ),
        emailLink: emailLink, logger: logger, metrics: pipelineMetrics, owner: owner,
        concurrency: configuration.pipeline.concurrency,
        lease: configuration.pipeline.lease * 2, wake: cardStored, liveness: liveness,
        shop: configuration.messaging.shop
    )

    let router = buildRouter(
        store: store, secrets: secrets, upstream: upstream.client, availableChannels: Set(channels.keys),
        customer: CustomerRoutes(
            authenticator: authenticator, settings: configuration.customer, cards: cards, tokens: revealTokens,
            metrics: pipelineMetrics, denials: denials, shop: configuration.messaging.shop
        ),
        metrics: metrics, maxBodyBytes: configuration.http.maxBodyBytes, usesTLS: configuration.http.usesTLS,
        schedule: schedule, trustedProxies: configuration.http.trustedProxies, time: time,
        trail: trail, tracker: tracker, binder: binder,
        onDemand: OnDemandCheck(tracker: tracker, after: configuration.pipeline.checkOnDemandAfter), account: account,
        console: configuration.console.enabled
            ? ConsoleOptions(
                lifetime: configuration.console.session,
                secureCookie: configuration.http.usesTLS || configuration.http.behindTLSProxy,
                webhooksConfigured: configuration.webhooks.settings != nil,
                checkpointFile: CheckpointFile(path: configuration.audit.checkpointFile)) : nil
    )
    // Stopped in reverse order once the HTTP server has stopped: the deliverer and tracker finish the
    // work in hand, card views are flushed, the last checkpoint is written; then the resources close.
    let services = OwnedServices(
        services: upstream.services + [
            // Listed first, so it stops last: the claims it releases on the way out are no longer in use.
            WorkerHeartbeat(
                workers: SQLWorkers(store: store), owner: owner, interval: configuration.pipeline.heartbeatInterval,
                timeout: configuration.pipeline.workerTimeout, time: time, liveness: liveness, wake: [cardStored],
                logger: logger, metrics: metrics.factory),
            CheckpointService(writer: checkpoints, interval: configuration.audit.checkpointInterval),
            AccountMonitor(
                account: account, interval: configuration.alerts.balanceRefresh, logger: logger,
                lowBalance: lowBalanceNotice(configuration, outbox: outbox, store: store, trail: trail, time: time)),
            views, denials, tracker, deliverer,
        ]
            + webhookServices(
                configuration, outbox: outbox, store: store, trail: trail, time: time, resources: resources,
                metrics: metrics, owner: owner, keyRing: secrets.keyRing, logger: logger)
            + alertServices(
                configuration, email: channels[.email], account: account, trail: trail, store: store,
                checkpoints: CheckpointKeys(ring: secrets.keyRing), keyRing: secrets.keyRing, time: time,
                metrics: metrics, owner: owner, logger: logger),
        resources: resources, logger: logger
    )
    let ready: @Sendable () async throws -> Void = {
        appLogger.info(
            "bitaqa ready",
            metadata: [
                "environment": "\(configuration.environment.rawValue)",
                "upstream": "\(upstream.mode)",
                "channels": "\(channels.keys.map(\.rawValue).sorted().joined(separator: ","))",
                "worker": "\(owner)",
                "database": "\(store.location)",
                "tls": "\(configuration.http.usesTLS)",
                "key_ids": "\(secrets.keyRing.keyIDs.map(\.hex).joined(separator: ","))",
                "active_key_id": "\(secrets.keyRing.activeKeyID.hex)",
                "schema_version": "\(Migrator.latestVersion)",
            ]
        )
    }
    return ServedApplication(
        responder: router.buildResponder(), server: try makeServer(configuration.http),
        address: .hostname(configuration.http.host, port: configuration.http.port), serverName: "Bitaqa",
        services: [services], logger: logger, beforeServerStarts: [ready])
}

/// The alert monitor (always: its `bitaqa_alert_condition` gauge feeds Prometheus rules) and, when alert
/// addresses are set, the mailer, which sends through the cards' email channel.
func alertServices(
    _ configuration: BitaqaConfiguration, email: (any MessageChannel)?, account: UpstreamAccount, trail: AuditTrail,
    store: Store, checkpoints: CheckpointKeys, keyRing: KeyRing, time: TimeSource, metrics: MetricsRegistry,
    owner: String, logger: Logger
) -> [any Service] {
    let alerts = configuration.alerts
    var recipients = alerts.recipients
    if !recipients.isEmpty && email == nil {
        logger.warning("BITAQA_ALERT_EMAIL is set but there is no email channel: no alert email is sent")
        recipients = []
    }
    let settings = AlertSettings(
        recipients: recipients, locale: alerts.locale, repeatEvery: alerts.repeatEvery,
        interval: alerts.interval, upstreamDownAfter: alerts.upstreamDownAfter,
        balanceBelow: configuration.webhooks.balanceAlertBelow, auditEvery: configuration.audit.checkpointInterval)
    let context = DomainContext(store: store, trail: trail, time: time)
    var services: [any Service] = [
        AlertMonitor(
            context: context, settings: settings, account: account,
            audit: AuditSelfCheck(
                trail: trail, file: CheckpointFile(path: configuration.audit.checkpointFile), keys: checkpoints),
            keys: AlertEmailKeys(ring: keyRing), logger: logger, factory: metrics.factory)
    ]
    if let email, !recipients.isEmpty {
        services.append(
            AlertMailer(
                repositories: context.repositories, channel: email, settings: settings,
                keys: AlertEmailKeys(ring: keyRing), time: time, logger: logger, owner: owner))
    }
    return services
}

/// The low-balance report, when there is a threshold and an outbox to report into.
func lowBalanceNotice(
    _ configuration: BitaqaConfiguration, outbox: WebhookOutbox?, store: Store, trail: AuditTrail, time: TimeSource
) -> AccountMonitor.LowBalanceNotice? {
    guard let outbox, configuration.webhooks.balanceAlertBelow > 0 else { return nil }
    return AccountMonitor.LowBalanceNotice(
        threshold: configuration.webhooks.balanceAlertBelow, outbox: outbox,
        context: DomainContext(store: store, trail: trail, time: time))
}

/// The webhook sender (with an HTTP client of its own, closed with the other resources) and the stuck
/// order watcher, when webhooks are configured.
func webhookServices(
    _ configuration: BitaqaConfiguration, outbox: WebhookOutbox?, store: Store, trail: AuditTrail, time: TimeSource,
    resources: Resources, metrics: MetricsRegistry, owner: String, keyRing: KeyRing, logger: Logger
) -> [any Service] {
    guard let settings = configuration.webhooks.settings, let outbox else { return [] }
    let http = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5))))
    resources.own("webhook client") { try? await http.shutdown() }
    let context = DomainContext(store: store, trail: trail, time: time)
    return [
        WebhookSender(
            repositories: context.repositories, settings: settings, http: http,
            keys: WebhookMessageKeys(ring: keyRing), trail: trail, time: time, logger: logger,
            factory: metrics.factory, owner: owner),
        StuckOrderWatcher(context: context, outbox: outbox, logger: logger),
    ]
}

/// Development that nobody asked for must not run against the real upstream: with `ONECLICKDZ_API_KEY`
/// set and `BITAQA_ENV` unset, the key must be one that `/v3/validate` reports as `SANDBOX`.
func refuseImplicitDevelopmentWithRealKey(_ configuration: BitaqaConfiguration, upstream: OneClickDZClient) async throws
{
    guard configuration.environment == .development, !configuration.environmentIsExplicit,
        configuration.upstream.apiKey != nil
    else { return }
    let type: String?
    do {
        type = try await upstream.validate().type
    } catch {
        throw ConfigurationError(
            "BITAQA_ENV",
            "unset, so development, but ONECLICKDZ_API_KEY could not be confirmed as a SANDBOX key (\(error)); set BITAQA_ENV=production, or BITAQA_ENV=development to run anyway"
        )
    }
    guard type?.uppercased() == "SANDBOX" else {
        throw ConfigurationError(
            "BITAQA_ENV",
            "unset, so development, but ONECLICKDZ_API_KEY is a \(type ?? "non-sandbox") key; set BITAQA_ENV=production (or BITAQA_ENV=development written out)"
        )
    }
}

/// The routes and middleware; split out so the structure is readable in one place.
func buildRouter(
    store: Store, secrets: ResolvedSecrets, upstream: OneClickDZClient, availableChannels: Set<DeliveryChannel>,
    customer: CustomerRoutes, metrics: MetricsRegistry, maxBodyBytes: Int, usesTLS: Bool = false,
    schedule: TrackingSchedule, trustedProxies: Set<String> = [], time: TimeSource = .system, trail: AuditTrail,
    tracker: Tracker, binder: ContactBinder, onDemand: OnDemandCheck, account: UpstreamAccount,
    console: ConsoleOptions? = nil
) -> Router<AppRequestContext> {
    let domain = DomainContext(store: store, trail: trail, time: time)
    let router = Router(context: AppRequestContext.self)
    if !trustedProxies.isEmpty { router.add(middleware: ForwardedForMiddleware(trusted: trustedProxies)) }
    router.add(middleware: RequestLoggingMiddleware())
    if usesTLS { router.add(middleware: StrictTransportMiddleware()) }
    // Outside the error middleware, so a 401, 404 or 429 is counted as the client saw it.
    router.add(middleware: RequestMetricsMiddleware(factory: metrics.factory))
    router.add(middleware: ErrorMiddleware())
    router.add(middleware: BodyLimitMiddleware(maxBytes: maxBodyBytes))
    // `/metrics` and `/v1` share the admin token and its lockout: wrong tokens on either count together.
    let adminAuth = AdminAuthMiddleware(
        token: secrets.adminToken, limiter: domain.repositories.rateLimits,
        failures: customer.settings.authFailuresPerAddress, window: customer.settings.window, time: time
    )
    OperationsController(store: store, adminAuth: adminAuth, metrics: metrics).addRoutes(to: router)
    let merchant = router.group("v1").add(middleware: adminAuth)
    MerchantOrdersController(
        domain: domain, registrar: OrderRegistrar(context: domain, schedule: schedule, binder: binder),
        correction: ContactCorrection(context: domain, binder: binder), tracker: tracker, onDemand: onDemand,
        upstream: upstream,
        availableChannels: availableChannels, products: ProductCache(client: upstream), account: account
    ).addRoutes(to: merchant)
    AuditController(trail: domain.trail).addRoutes(to: merchant)
    WebhooksController(webhooks: domain.repositories.webhooks, time: time).addRoutes(to: merchant)
    if let console {
        ConsoleController(
            domain: domain,
            sessions: ConsoleSessions(
                context: domain, adminToken: secrets.adminToken, ring: secrets.keyRing, lifetime: console.lifetime),
            tracker: tracker, account: account, correction: ContactCorrection(context: domain, binder: binder),
            availableChannels: availableChannels, secureCookie: console.secureCookie, sessionLifetime: console.lifetime,
            reconciler: Reconciler(
                context: domain, client: upstream,
                registrar: OrderRegistrar(context: domain, schedule: schedule, binder: binder)),
            webhooksConfigured: console.webhooksConfigured, keyIDs: secrets.keyRing.keyIDs.map(\.hex),
            activeKeyID: secrets.keyRing.activeKeyID.hex,
            auditCheck: AuditSelfCheck(
                trail: trail, file: console.checkpointFile, keys: CheckpointKeys(ring: secrets.keyRing)),
            checkpointFile: console.checkpointFile
        ).addRoutes(to: router)
    }
    ReconciliationController(
        reconciler: Reconciler(
            context: domain, client: upstream,
            registrar: OrderRegistrar(context: domain, schedule: schedule, binder: binder)),
        time: time
    ).addRoutes(to: merchant)
    let customers = router.group("api/internet-orders")
        .add(
            middleware: CustomerAuthMiddleware(
                authenticator: customer.authenticator, limiter: domain.repositories.rateLimits,
                settings: customer.settings, time: time
            )
        )
        .group(context: CustomerContext.self)
    let revealer = CardRevealer(
        context: domain, cards: customer.cards, window: customer.settings.window, metrics: customer.metrics
    )
    CustomerOrdersController(
        orders: CustomerOrders(context: domain, denials: customer.denials, onDemand: onDemand), revealer: revealer,
        settings: customer.settings
    )
    .addRoutes(to: customers)
    RevealPageController(
        domain: domain, tokens: customer.tokens, revealer: revealer, settings: customer.settings, onDemand: onDemand,
        shop: customer.shop
    )
    .addRoutes(to: router)
    return router
}

/// The console's options, when it is on.
struct ConsoleOptions {
    let lifetime: Duration
    let secureCookie: Bool
    let webhooksConfigured: Bool
    let checkpointFile: CheckpointFile
}

/// What the customer routes need.
struct CustomerRoutes {
    let authenticator: CustomerAuthenticator
    let settings: CustomerSettings
    let cards: CardReader
    let tokens: RevealTokens
    let metrics: PipelineMetrics
    let denials: DenialRecorder
    var shop: ShopIdentity = .unnamed
}

/// The customer token verifier from configuration; development without one gets a generated HS256 secret.
func customerAuthenticator(
    _ configuration: BitaqaConfiguration, scrubber: SecretScrubber, logger: Logger
) async throws -> CustomerAuthenticator {
    let settings = configuration.customer
    if let file = settings.jwtPublicKeyFile {
        let pem: String
        do {
            pem = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw ConfigurationError("BITAQA_JWT_PUBLIC_KEY_FILE", "cannot be read: \(file)")
        }
        do {
            return try await CustomerAuthenticator.publicKey(
                pem: pem, issuer: settings.issuer, audience: settings.audience
            ).limitingLifetime(to: settings.maxLifetime)
        } catch {
            throw ConfigurationError("BITAQA_JWT_PUBLIC_KEY_FILE", "is not a PEM ES256 (P-256) or RSA public key")
        }
    }
    let secret =
        try settings.jwtSecret
        ?? DevelopmentSecrets.jwtSecret(dataDirectory: configuration.storage.dataDirectory, logger: logger)
    scrubber.register(secret.unsafeRevealed)
    return await CustomerAuthenticator.hmac(secret: secret, issuer: settings.issuer, audience: settings.audience)
        .limitingLifetime(to: settings.maxLifetime)
}

/// The channels this process can deliver on. In development, without SMTP or SMS settings, each writes
/// files under `<data dir>/outbox/`; in production an unconfigured channel does not exist, and orders
/// asking for it are refused. A channel with a connection pool registers its shutdown with `resources`.
func messageChannels(
    _ configuration: BitaqaConfiguration, resources: Resources, logger: Logger
) throws -> [DeliveryChannel: any MessageChannel] {
    var channels: [DeliveryChannel: any MessageChannel] = [:]
    let messaging = configuration.messaging
    let outbox = OutboxChannel(
        directory: configuration.storage.dataDirectory + "/outbox", emailFrom: messaging.smtpFrom)
    if let url = messaging.smtpURL, let from = messaging.smtpFrom {
        do {
            channels[.email] = try EmailChannel(url: url, from: from, caFile: messaging.smtpCAFile, logger: logger)
        } catch let error as EmailChannel.SettingsError {
            throw ConfigurationError(error.setting, error.reason)
        }
    } else if configuration.environment == .development {
        channels[.email] = outbox
        logger.warning(
            "no BITAQA_SMTP_URL: emails are written to files", metadata: ["outbox": "\(outbox.directory)/email"])
    }
    if let sms = messaging.sms {
        let channel = SMSChannel(
            baseURL: sms.url, accountSID: sms.accountSID, authToken: sms.authToken, sender: sms.sender)
        resources.own("sms client") { await channel.shutdown() }
        channels[.sms] = channel
    } else if configuration.environment == .development {
        channels[.sms] = outbox
        logger.warning("no BITAQA_SMS_URL: SMS are written to files", metadata: ["outbox": "\(outbox.directory)/sms"])
    }
    return channels
}

/// A name for this process's leases: host, process id and a random suffix.
enum WorkerIdentity {
    static func make() -> String {
        let host = ProcessInfo.processInfo.hostName.prefix(32)
        return "\(host)-\(getpid())-\(UInt16.random(in: .min ... .max))"
    }
}

/// Tells the log scrubber every secret value this process knows, as text and as hex.
public func registerSecretsForScrubbing(
    _ configuration: BitaqaConfiguration, _ secrets: ResolvedSecrets?, in scrubber: SecretScrubber
) {
    if let token = secrets?.adminToken ?? configuration.security.adminToken { scrubber.register(token.unsafeRevealed) }
    for key in configuration.security.encryptionKeys {
        scrubber.register(key.unsafeHex)
        scrubber.register(key.unsafeHex.uppercased())
    }
    if case .postgres(let url) = configuration.storage.database, let password = DatabasePassword.of(url.unsafeRevealed)
    {
        scrubber.register(password)
    }
    if let smtp = configuration.messaging.smtpURL, let password = DatabasePassword.of(smtp.unsafeRevealed) {
        scrubber.register(password)
    }
    if let sms = configuration.messaging.sms { scrubber.register(sms.authToken.unsafeRevealed) }
    for secret in configuration.webhooks.rawSecrets { scrubber.register(secret) }
    if let key = configuration.upstream.apiKey { scrubber.register(key.unsafeRevealed) }
    if let key = configuration.upstream.secondaryKey { scrubber.register(key.unsafeRevealed) }
}

/// The password part of a database URL, for the scrubber.
enum DatabasePassword {
    static func of(_ url: String) -> String? {
        guard let scheme = url.range(of: "://"), let at = url[scheme.upperBound...].lastIndex(of: "@") else {
            return nil
        }
        let userinfo = url[scheme.upperBound..<at]
        guard let colon = userinfo.firstIndex(of: ":") else { return nil }
        let password = String(userinfo[userinfo.index(after: colon)...])
        return password.removingPercentEncoding ?? password
    }
}

/// Secrets from configuration, or, in development only, created once under the data folder.
public func resolveSecrets(_ configuration: BitaqaConfiguration, logger: Logger) throws -> ResolvedSecrets {
    let directory = configuration.storage.dataDirectory
    let token =
        try configuration.security.adminToken ?? DevelopmentSecrets.adminToken(dataDirectory: directory, logger: logger)
    return ResolvedSecrets(adminToken: token, keyRing: try resolveKeyRing(configuration, logger: logger))
}

/// The key ring from configuration, or, in development only, the development key.
public func resolveKeyRing(_ configuration: BitaqaConfiguration, logger: Logger) throws -> KeyRing {
    let keys =
        configuration.security.encryptionKeys.isEmpty
        ? [try DevelopmentSecrets.encryptionKey(dataDirectory: configuration.storage.dataDirectory, logger: logger)]
        : configuration.security.encryptionKeys
    do {
        return try KeyRing(keys: keys)
    } catch {
        throw ConfigurationError("BITAQA_ENCRYPTION_KEYS", error.description)
    }
}

private func makeServer(_ http: HTTPSettings) throws -> HTTPServerBuilder {
    let http1 = HTTP1Channel.Configuration(
        idleTimeout: TimeAmount(http.idleTimeout),
        httpDecoderConfiguration: .init(
            maxHeaderFieldSize: http.maxHeaderBytes, maxHeaderListSize: http.maxHeaderBytes, maxHeaderFieldCount: 200)
    )
    guard let certificateFile = http.tlsCertificateFile, let keyFile = http.tlsKeyFile else {
        return .http1(configuration: http1)
    }
    let chain: [NIOSSLCertificate]
    let key: NIOSSLPrivateKey
    do {
        chain = try NIOSSLCertificate.fromPEMFile(certificateFile)
        key = try NIOSSLPrivateKey(file: keyFile, format: .pem)
    } catch {
        throw ConfigurationError("BITAQA_TLS_CERT_FILE", "the certificate or key could not be read as PEM")
    }
    let tls = TLSConfiguration.makeServerConfiguration(
        certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
    return try .tls(.http1(configuration: http1), tlsConfiguration: tls)
}
