import CardVault
import Hummingbird
import Orders

/// `/console`, the merchant console: server-rendered, no script. Signing in with the admin token or a
/// staff token opens a server-side session (cookie `bitaqa_console`); every POST carries the session's
/// CSRF token and is held to the role ``RouteRoles`` gives it; every action is audited with the actor
/// `console` (the admin token) or `staff:NAME`, and the session's id. Never a card code.
///
/// Builds one controller per page from the HTTP surface, each holding only what its page uses, and all
/// sharing one ``ConsoleSupport``.
struct ConsoleRoutes {
    let surface: HTTPSurface
    let options: ConsoleOptions

    func addRoutes(to router: Router<AppRequestContext>) {
        let domain = surface.domain
        let support = ConsoleSupport(
            sessions: ConsoleSessions(
                context: domain, adminToken: surface.adminToken, staff: surface.staff, ring: surface.keyRing,
                lifetime: options.lifetime),
            secureCookie: options.secureCookie)
        // The server's body limit, inside the refusal middleware so an oversized form is a console page.
        let group = router.group("console").add(middleware: ConsoleRefusalMiddleware())
            .add(middleware: BodyLimitMiddleware(maxBytes: surface.options.maxBodyBytes))
        ConsoleSignInController(support: support, sessionLifetime: options.lifetime).addRoutes(to: group)
        ConsoleOverviewController(
            support: support, domain: domain, account: surface.account, auditCheck: surface.auditCheck,
            balanceAlertBelow: options.balanceAlertBelow
        ).addRoutes(to: group)
        ConsoleOrdersController(
            support: support, domain: domain, orders: surface.orders, correction: surface.correction,
            availableChannels: surface.availableChannels
        ).addRoutes(to: group)
        ConsoleGiftCardsController(
            support: support, domain: domain, giftCards: surface.giftCards, correction: surface.correction,
            availableChannels: surface.availableChannels
        ).addRoutes(to: group)
        ConsoleGiftCardCatalogueController(
            support: support, domain: domain, giftCards: surface.giftCards, availableChannels: surface.availableChannels
        ).addRoutes(to: group)
        ConsoleFindingController(
            support: support, domain: domain,
            bulk: BulkActions(context: domain, resender: Resender(context: domain), webhooks: surface.webhookRetry)
        ).addRoutes(to: group)
        ConsoleBuyerDataController(support: support, domain: domain, buyers: surface.buyers).addRoutes(to: group)
        ConsoleSendController(support: support, orders: surface.orders, availableChannels: surface.availableChannels)
            .addRoutes(to: group)
        ConsoleReconciliationController(support: support, reconciler: surface.reconciler, time: domain.time)
            .addRoutes(to: group)
        ConsoleWebhooksController(
            support: support, webhooks: domain.repositories.webhooks, retrying: surface.webhookRetry,
            configured: options.webhooksConfigured
        ).addRoutes(to: group)
        ConsoleHealthController(
            support: support, cards: domain.repositories.cards, trail: domain.trail, account: surface.account,
            auditCheck: surface.auditCheck, checkpointFile: options.checkpointFile,
            keyIDs: surface.keyRing.keyIDs.map(\.hex), activeKeyID: surface.keyRing.activeKeyID.hex
        ).addRoutes(to: group)
        ConsoleStaffController(support: support, staff: surface.staff).addRoutes(to: group)
    }
}
