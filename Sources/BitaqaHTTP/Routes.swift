import Audit
import BitaqaCore
import CardVault
import CoreMetrics
import Hummingbird
import Messaging
import Orders

/// What the HTTP surface is built from: the use cases the composition root made, and the few settings
/// that only HTTP has.
public struct HTTPSurface: Sendable {
    /// The product line the customer routes and the reveal page serve.
    public var line: any SingleCodeLine
    public var domain: DomainContext
    public var database: any DatabaseProbe
    public var adminToken: Secret
    public var keyRing: KeyRing
    public var upstream: any InternetUpstream
    public var account: UpstreamAccount
    public var registrar: OrderRegistrar
    public var orders: MerchantOrders
    public var webhookRetry: WebhookRetry
    public var correction: ContactCorrection
    public var tracker: Tracker
    public var onDemand: OnDemandCheck
    public var reconciler: Reconciler
    /// The staff: their tokens sign in to the API and the console within their role.
    public var staff: StaffDirectory
    public var auditCheck: AuditSelfCheck
    /// Where request metrics are recorded.
    public var metricsFactory: any MetricsFactory
    /// The Prometheus text `/metrics` answers with.
    public var renderMetrics: @Sendable () -> [UInt8]
    /// The channels this process can deliver on; orders asking for another are refused.
    public var availableChannels: Set<DeliveryChannel>
    public var customer: CustomerRoutes
    public var options: HTTPOptions
    /// Nil: the console is off.
    public var console: ConsoleOptions?
    /// The gift-card line; nil where only top-ups are served (some tests).
    public var giftCards: GiftCards?
    /// Buyers' requests about their personal data.
    public var buyers: BuyerData

    public init(
        line: any SingleCodeLine, domain: DomainContext, database: any DatabaseProbe, adminToken: Secret,
        keyRing: KeyRing,
        upstream: any InternetUpstream, account: UpstreamAccount, registrar: OrderRegistrar,
        orders: MerchantOrders, webhookRetry: WebhookRetry, correction: ContactCorrection, tracker: Tracker,
        onDemand: OnDemandCheck, reconciler: Reconciler, staff: StaffDirectory,
        auditCheck: AuditSelfCheck, metricsFactory: any MetricsFactory,
        renderMetrics: @escaping @Sendable () -> [UInt8], availableChannels: Set<DeliveryChannel>,
        customer: CustomerRoutes, options: HTTPOptions, console: ConsoleOptions?, buyers: BuyerData,
        giftCards: GiftCards? = nil
    ) {
        self.giftCards = giftCards
        self.buyers = buyers
        self.line = line
        self.domain = domain
        self.database = database
        self.adminToken = adminToken
        self.keyRing = keyRing
        self.upstream = upstream
        self.account = account
        self.registrar = registrar
        self.orders = orders
        self.webhookRetry = webhookRetry
        self.correction = correction
        self.tracker = tracker
        self.onDemand = onDemand
        self.reconciler = reconciler
        self.staff = staff
        self.auditCheck = auditCheck
        self.metricsFactory = metricsFactory
        self.renderMetrics = renderMetrics
        self.availableChannels = availableChannels
        self.customer = customer
        self.options = options
        self.console = console
    }
}

/// Settings of the HTTP layer itself.
public struct HTTPOptions: Sendable {
    public var maxBodyBytes: Int
    /// Adds `Strict-Transport-Security`.
    public var usesTLS: Bool
    /// Proxies whose `X-Forwarded-For` is believed.
    public var trustedProxies: Set<String>

    public init(maxBodyBytes: Int, usesTLS: Bool, trustedProxies: Set<String>) {
        self.maxBodyBytes = maxBodyBytes
        self.usesTLS = usesTLS
        self.trustedProxies = trustedProxies
    }
}

/// The console's options, when it is on.
public struct ConsoleOptions: Sendable {
    public var lifetime: Duration
    public var secureCookie: Bool
    public var webhooksConfigured: Bool
    public var checkpointFile: CheckpointFile
    /// The overview's low-balance banner shows below this balance in DZD (`BITAQA_BALANCE_ALERT_BELOW`; 0 never).
    public var balanceAlertBelow: Double

    public init(
        lifetime: Duration, secureCookie: Bool, webhooksConfigured: Bool, checkpointFile: CheckpointFile,
        balanceAlertBelow: Double = 0
    ) {
        self.lifetime = lifetime
        self.secureCookie = secureCookie
        self.webhooksConfigured = webhooksConfigured
        self.checkpointFile = checkpointFile
        self.balanceAlertBelow = balanceAlertBelow
    }
}

/// What the customer routes need.
public struct CustomerRoutes: Sendable {
    public var authenticator: CustomerAuthenticator
    public var limits: CustomerLimits
    public var cards: CardReader
    public var tokens: RevealTokens
    public var metrics: PipelineMetrics
    public var denials: DenialRecorder
    public var shop: ShopIdentity

    public init(
        authenticator: CustomerAuthenticator, limits: CustomerLimits, cards: CardReader, tokens: RevealTokens,
        metrics: PipelineMetrics, denials: DenialRecorder, shop: ShopIdentity
    ) {
        self.authenticator = authenticator
        self.limits = limits
        self.cards = cards
        self.tokens = tokens
        self.metrics = metrics
        self.denials = denials
        self.shop = shop
    }
}

/// The routes and middleware, in one place so the structure reads at a glance.
public func buildRouter(_ surface: HTTPSurface) -> Router<AppRequestContext> {
    let domain = surface.domain
    let time = domain.time
    let customer = surface.customer
    let router = Router(context: AppRequestContext.self)
    let options = surface.options
    if !options.trustedProxies.isEmpty {
        router.add(middleware: ForwardedForMiddleware(trusted: options.trustedProxies))
    }
    router.add(middleware: RequestLoggingMiddleware())
    if options.usesTLS { router.add(middleware: StrictTransportMiddleware()) }
    // Outside the error middleware, so a 401, 404 or 429 is counted as the client saw it.
    router.add(middleware: RequestMetricsMiddleware(factory: surface.metricsFactory))
    router.add(middleware: ErrorMiddleware())
    router.add(middleware: BodyLimitMiddleware(maxBytes: options.maxBodyBytes, exempt: "/console/"))
    // `/metrics` and `/v1` share the admin token and its lockout: wrong tokens on either count together.
    // Each route's required role is in `RouteRoles`; the middleware holds every caller to it.
    let adminAuth = AdminAuthMiddleware(
        token: surface.adminToken, staff: surface.staff, limiter: domain.repositories.rateLimits,
        failures: customer.limits.authFailuresPerAddress, window: customer.limits.window, time: time
    )
    OperationsController(database: surface.database, adminAuth: adminAuth, renderMetrics: surface.renderMetrics)
        .addRoutes(to: router)
    let merchant = router.group("v1").add(middleware: adminAuth)
    MerchantOrdersController(
        domain: domain, orders: surface.orders, registrar: surface.registrar, correction: surface.correction,
        availableChannels: surface.availableChannels, account: surface.account
    ).addRoutes(to: merchant)
    AuditController(trail: domain.trail).addRoutes(to: merchant)
    WebhooksController(webhooks: domain.repositories.webhooks, retrying: surface.webhookRetry).addRoutes(to: merchant)
    ReconciliationController(reconciler: surface.reconciler, time: time).addRoutes(to: merchant)
    ExportsController(domain: domain, figures: BusinessFigures(context: domain), reconciler: surface.reconciler)
        .addRoutes(to: merchant)
    NotesController(notes: OrderNotes(context: domain)).addRoutes(to: merchant)
    BuyersController(buyers: surface.buyers).addRoutes(to: merchant)
    BulkActionsController(
        actions: BulkActions(context: domain, resender: Resender(context: domain), webhooks: surface.webhookRetry)
    ).addRoutes(to: merchant)
    if let giftCards = surface.giftCards {
        GiftCardOrdersController(
            domain: domain, giftCards: giftCards, correction: surface.correction, resender: Resender(context: domain),
            availableChannels: surface.availableChannels
        ).addRoutes(to: merchant)
    }
    if let console = surface.console {
        ConsoleRoutes(surface: surface, options: console).addRoutes(to: router)
    }
    let customers = router.group(RouterPath(surface.line.customerPath))
        .add(
            middleware: CustomerAuthMiddleware(
                authenticator: customer.authenticator, limiter: domain.repositories.rateLimits,
                settings: customer.limits, time: time
            )
        )
        .group(context: CustomerContext.self)
    let revealer = CardRevealer(
        context: domain, cards: customer.cards, window: customer.limits.window, metrics: customer.metrics)
    let orders = CustomerOrders(context: domain, denials: customer.denials, onDemand: surface.onDemand)
    CustomerOrdersController(orders: orders, revealer: revealer, settings: customer.limits, line: surface.line)
        .addRoutes(to: customers)
    // Gift-card orders for their buyers: the same authentication and limits, under their own path.
    let giftCardOrders = GiftCardCustomerOrders(
        domain: domain, cards: customer.cards, denials: customer.denials, metrics: customer.metrics,
        window: customer.limits.window)
    GiftCardCustomerController(orders: giftCardOrders, settings: customer.limits)
        .addRoutes(
            to: router.group(RouterPath(GiftCardLine().customerPath))
                .add(
                    middleware: CustomerAuthMiddleware(
                        authenticator: customer.authenticator, limiter: domain.repositories.rateLimits,
                        settings: customer.limits, time: time)
                )
                .group(context: CustomerContext.self))
    RevealPageController(
        domain: domain, orders: orders, tokens: customer.tokens, revealer: revealer, settings: customer.limits,
        shop: customer.shop, line: surface.line, giftCards: giftCardOrders
    )
    .addRoutes(to: router)
    return router
}
