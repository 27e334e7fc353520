import BitaqaCore
import Hummingbird
import Orders

/// `/console`: today's orders by status, the card deliveries waiting or failed, the upstream balance
/// and key type, the webhook outbox and the audit self-check.
struct ConsoleOverviewController {
    let support: ConsoleSupport
    let domain: DomainContext
    let account: UpstreamAccount
    let auditCheck: AuditSelfCheck

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get(use: overview)
    }

    @Sendable func overview(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await support.signedIn(request) { session in
            let orders = domain.repositories.orders
            // Today in Algiers (UTC+1, no daylight saving): since the last local midnight.
            let algiers: Int64 = 3_600_000
            let midnight = (domain.time.now() + algiers) / 86_400_000 * 86_400_000 - algiers
            let counts = try await orders.countsByStatus(since: midnight)
            let deliveries = try await orders.cardDeliveryCounts()
            let snapshot = try? await account.current()
            let locale = ConsoleSupport.locale(request)
            let words = ConsoleTexts.words(locale)
            let webhooks = try await domain.repositories.webhooks.counts()
            let audit = await auditCheck.problem() ?? (words["intact"] ?? "")
            let view = ConsoleOverviewView(
                audit: audit,
                statuses: OrderStatus.allCases.map {
                    .init(name: ConsoleTerms.status($0, locale), code: $0.rawValue, count: counts[$0] ?? 0)
                },
                pending: (deliveries[.pending] ?? 0) + (deliveries[.sending] ?? 0), failed: deliveries[.failed] ?? 0,
                balance: snapshot.map { DinarAmount.text(Int($0.balance.rounded()), locale: locale) }
                    ?? (words["unknown"] ?? "?"),
                keyType: snapshot?.keyType ?? (words["unknown"] ?? "?"), sandbox: snapshot?.keyType == "SANDBOX",
                webhooks: "\(webhooks[.pending] ?? 0) \(ConsoleTerms.webhook(.pending, locale)) · "
                    + "\(webhooks[.failed] ?? 0) \(ConsoleTerms.webhook(.failed, locale))")
            return support.page(view, request: request, session: session)
        }
    }
}
