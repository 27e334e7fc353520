import AsyncHTTPClient
import Audit
import BitaqaCore
import BitaqaHTTP
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
import Orders
import ServiceLifecycle
import Storage
import Synchronization

/// What the running service resolved at startup, beyond the raw configuration.
public struct ResolvedSecrets: Sendable {
    public let adminToken: Secret
    public let keyRing: KeyRing
}

/// Builds the whole service from configuration: the composition root's collaborators, the routes, the
/// delivery and the background services.
///
/// Everything opened (the database pool, HTTP clients) is owned by the application's services and closed
/// after they stop; a startup that fails halfway closes what it had opened before rethrowing.
///
/// - Parameters:
///   - reader: the configuration (command-line options, environment, `.env`; an in-memory provider in tests).
///   - logger: the logger to use, at the configured level.
///   - scrubber: the log scrubber, told every secret this application resolves.
///   - metrics: the registry `/metrics` shows and the pipeline records into.
public func buildApplication(
    reader: ConfigReader, logger providedLogger: Logger, scrubber: SecretScrubber, metrics: MetricsRegistry
) async throws -> some ApplicationProtocol {
    let configuration = try BitaqaConfiguration(reader: reader)
    var logger = providedLogger
    logger.logLevel = configuration.log.level
    let app = try await Composition.make(
        configuration, purpose: .server, logger: logger, scrubber: scrubber, metrics: metrics)
    do {
        return try await assembleApplication(app, scrubber: scrubber, logger: logger)
    } catch {
        await app.close(logger: logger)
        throw error
    }
}

/// The server over a composition: channels, deliverer, routes and services.
private func assembleApplication(
    _ app: Composition, scrubber: SecretScrubber, logger: Logger
) async throws -> some ApplicationProtocol {
    let configuration = app.configuration
    let resources = app.resources
    try await refuseImplicitDevelopmentWithRealKey(configuration, upstream: app.upstream.client)
    let channels = try messageChannels(configuration, resources: resources, logger: logger)
    let authenticator = try await customerAuthenticator(configuration, scrubber: scrubber, logger: logger)
    let domain = app.domain
    let trail = domain.trail
    let time = domain.time
    let ring = app.secrets.keyRing
    let publicURL = configuration.http.publicURL
    let revealTokens = app.revealTokens
    let revealLink: @Sendable (TopupID, UserID, String?) -> String = { topupId, userId, contactBinding in
        let expires = time.now() + MessageComposer.cardLinkLifetime.inMilliseconds
        return publicURL + "/cards/"
            + revealTokens.issue(topupId: topupId, userId: userId, expiresAt: expires, contactBinding: contactBinding)
    }
    let emailLink = configuration.messaging.emailMode == .link ? revealLink : nil
    let liveness = WorkerLiveness(timeout: configuration.pipeline.workerTimeout)
    let views = AuditBatcher(trail: trail)
    let denials = DenialRecorder(trail: trail, time: time, window: configuration.audit.denialWindow, logger: logger)
    let cards = CardReader(vault: app.vault, audit: trail, views: views, time: time)
    var deliveryLimits = Deliverer.Limits()
    deliveryLimits.concurrency = configuration.pipeline.concurrency
    deliveryLimits.lease = configuration.pipeline.lease * 2
    let deliverer = Deliverer(
        context: domain, cards: cards, binder: app.binder, channels: channels,
        backoff: DeliveryBackoff(
            maxAttempts: configuration.pipeline.deliveryMaxAttempts, base: configuration.pipeline.deliveryRetryBase,
            cap: configuration.pipeline.deliveryRetryCap
        ),
        emailLink: emailLink, limits: deliveryLimits, logger: logger, metrics: app.pipelineMetrics, owner: app.owner,
        wake: app.cardStored, liveness: liveness, shop: configuration.messaging.shop, line: app.line,
        revealLink: revealLink
    )
    let checkpointKeys = CheckpointKeys(ring: ring)
    let router = buildRouter(
        HTTPSurface(
            line: app.line, domain: domain, database: app.store, adminToken: app.secrets.adminToken, keyRing: ring,
            upstream: app.upstream.client, account: app.account, registrar: app.registrar, orders: app.orders,
            webhookRetry: app.webhookRetry,
            correction: app.correction, tracker: app.tracker, onDemand: app.onDemand, reconciler: app.reconciler,
            staff: app.staff,
            auditCheck: AuditSelfCheck(
                trail: trail, file: CheckpointFile(path: configuration.audit.checkpointFile), keys: checkpointKeys),
            metricsFactory: app.metrics.factory, renderMetrics: { [metrics = app.metrics] in metrics.render() },
            availableChannels: Set(channels.keys),
            customer: CustomerRoutes(
                authenticator: authenticator, limits: configuration.customer.limits, cards: cards,
                tokens: app.revealTokens, metrics: app.pipelineMetrics, denials: denials,
                shop: configuration.messaging.shop),
            options: HTTPOptions(
                maxBodyBytes: configuration.http.maxBodyBytes, usesTLS: configuration.http.usesTLS,
                trustedProxies: configuration.http.trustedProxies),
            console: configuration.console.enabled
                ? ConsoleOptions(
                    lifetime: configuration.console.session,
                    secureCookie: configuration.http.usesTLS || configuration.http.behindTLSProxy,
                    webhooksConfigured: configuration.webhooks.settings != nil,
                    checkpointFile: CheckpointFile(path: configuration.audit.checkpointFile),
                    balanceAlertBelow: configuration.webhooks.balanceAlertBelow) : nil,
            buyers: app.buyers, giftCards: app.giftCards))
    // Stopped in reverse order once the HTTP server has stopped: the deliverer and tracker finish the
    // work in hand, card views are flushed, the last checkpoint is written; then the resources close.
    let services = OwnedServices(
        services: app.upstream.services + [
            // Listed first, so it stops last: the claims it releases on the way out are no longer in use.
            WorkerHeartbeat(
                workers: domain.repositories.workers, owner: app.owner,
                interval: configuration.pipeline.heartbeatInterval, timeout: configuration.pipeline.workerTimeout,
                time: time, liveness: liveness, wake: [app.cardStored], logger: logger, metrics: app.metrics.factory),
            CheckpointService(writer: app.checkpoints, interval: configuration.audit.checkpointInterval),
            AccountMonitor(
                account: app.account, interval: configuration.alerts.balanceRefresh, logger: logger,
                lowBalance: lowBalanceNotice(configuration, outbox: app.outbox, domain: domain), history: domain),
            views, denials, app.tracker, GiftCardTracking(tracker: app.giftCards.tracker, logger: logger), deliverer,
            // After the tracker, so it stops first: a check it runs uses the tracker's lease and store.
            app.backgroundChecks,
        ]
            + delayNoticeServices(app, logger: logger) + contactServices(app, logger: logger)
            + webhookServices(app, resources: resources, logger: logger)
            + alertServices(app, email: channels[.email], logger: logger),
        resources: resources, logger: logger
    )
    let ready: @Sendable () async throws -> Void = {
        logger.info(
            "bitaqa ready",
            metadata: [
                "environment": "\(configuration.environment.rawValue)",
                "upstream": "\(app.upstream.mode)",
                "channels": "\(channels.keys.map(\.rawValue).sorted().joined(separator: ","))",
                "worker": "\(app.owner)",
                "database": "\(app.store.location)",
                "tls": "\(configuration.http.usesTLS)",
                "key_ids": "\(ring.keyIDs.map(\.hex).joined(separator: ","))",
                "active_key_id": "\(ring.activeKeyID.hex)",
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
func alertServices(_ app: Composition, email: (any MessageChannel)?, logger: Logger) -> [any Service] {
    let configuration = app.configuration
    let alerts = configuration.alerts
    let ring = app.secrets.keyRing
    var recipients = alerts.recipients
    if !recipients.isEmpty && email == nil {
        logger.warning("BITAQA_ALERT_EMAIL is set but there is no email channel: no alert email is sent")
        recipients = []
    }
    let settings = AlertSettings(
        recipients: recipients, locale: alerts.locale, repeatEvery: alerts.repeatEvery,
        interval: alerts.interval, upstreamDownAfter: alerts.upstreamDownAfter,
        balanceBelow: configuration.webhooks.balanceAlertBelow, auditEvery: configuration.audit.checkpointInterval,
        publicURL: configuration.http.publicURL)
    let context = app.domain
    var services: [any Service] = [
        AlertMonitor(
            context: context, settings: settings, account: app.account,
            audit: AuditSelfCheck(
                trail: context.trail, file: CheckpointFile(path: configuration.audit.checkpointFile),
                keys: CheckpointKeys(ring: ring)),
            keys: AlertEmailKeys(ring: ring), logger: logger, factory: app.metrics.factory)
    ]
    if let email, !recipients.isEmpty {
        services.append(
            AlertMailer(
                repositories: context.repositories, channel: email, settings: settings,
                keys: AlertEmailKeys(ring: ring), time: context.time, logger: logger, owner: app.owner))
    }
    return services
}

/// The delay notices, unless `BITAQA_DELAY_NOTICE_AFTER` is 0. They look every minute, or more often
/// when the delay itself is shorter (tests set seconds).
func delayNoticeServices(_ app: Composition, logger: Logger) -> [any Service] {
    guard let after = app.configuration.pipeline.delayNoticeAfter else { return [] }
    return [DelayNotices(context: app.domain, after: after, interval: min(.seconds(60), after / 4), logger: logger)]
}

/// The contacts' retention and sealing: every minute, or more often when the retention itself is shorter
/// (tests set a fraction of a day).
func contactServices(_ app: Composition, logger: Logger) -> [any Service] {
    let retention = app.configuration.pipeline.contactRetention
    return [
        ContactRetention(
            context: app.domain, binder: app.binder, retention: retention,
            interval: max(.milliseconds(500), min(.seconds(60), retention / 4)), metrics: app.contactMetrics,
            logger: logger)
    ]
}

/// The low-balance report, when there is a threshold and an outbox to report into.
func lowBalanceNotice(
    _ configuration: BitaqaConfiguration, outbox: WebhookOutbox?, domain: DomainContext
) -> AccountMonitor.LowBalanceNotice? {
    guard let outbox, configuration.webhooks.balanceAlertBelow > 0 else { return nil }
    return AccountMonitor.LowBalanceNotice(
        threshold: configuration.webhooks.balanceAlertBelow, outbox: outbox, context: domain)
}

/// The webhook sender (with an HTTP client of its own, closed with the other resources) and the stuck
/// order watcher, when webhooks are configured.
func webhookServices(_ app: Composition, resources: Resources, logger: Logger) -> [any Service] {
    guard let settings = app.configuration.webhooks.settings, let outbox = app.outbox else { return [] }
    let http = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5))))
    resources.own("webhook client") { try? await http.shutdown() }
    let context = app.domain
    return [
        WebhookSender(
            repositories: context.repositories, settings: settings, http: http,
            keys: WebhookMessageKeys(ring: app.secrets.keyRing), trail: context.trail, time: context.time,
            logger: logger, factory: app.metrics.factory, owner: app.owner),
        StuckOrderWatcher(context: context, outbox: outbox, logger: logger),
    ]
}

/// Development that nobody asked for must not run against the real upstream: with `ONECLICKDZ_API_KEY`
/// set and `BITAQA_ENV` unset, the key must be one that `/v3/validate` reports as `SANDBOX`.
func refuseImplicitDevelopmentWithRealKey(
    _ configuration: BitaqaConfiguration, upstream: any AccountUpstream
) async throws {
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
        let http = SMSChannel.makeHTTPClient()
        resources.own("sms client") { try? await http.shutdown() }
        channels[.sms] = SMSChannel(
            baseURL: sms.url, accountSID: sms.accountSID, authToken: sms.authToken, sender: sms.sender, http: http,
            timeout: .seconds(15))
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
