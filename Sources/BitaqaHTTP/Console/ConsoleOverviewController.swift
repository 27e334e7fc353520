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
    /// The low-balance banner's threshold in DZD; 0 never shows it.
    var balanceAlertBelow: Double = 0

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get(use: overview)
    }

    @Sendable func overview(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await support.signedIn(request) { session in
            let orders = domain.repositories.orders
            // Today in Algiers (UTC+1, no daylight saving): since the last local midnight.
            let midnight = DailyFigures.start(ofDay: DailyFigures.day(of: domain.time.now()))
            let counts = try await orders.countsByStatus(since: midnight)
            let everCounts = try await orders.countsByStatus(since: 0)
            let figures = BusinessFigures(context: domain)
            let now = domain.time.now()
            let today = try await figures.report(from: midnight, to: now).totals
            let week = try await figures.report(from: midnight - 6 * DailyFigures.dayMillis, to: now).totals
            let deliveries = try await orders.cardDeliveryCounts()
            // A failure fixed since (corrected and resent, delivered on the same channel) is not counted.
            let unresolved = try await domain.repositories.alerts.unresolvedFailedDeliveries()
            let snapshot = try? await account.current()
            let locale = ConsoleSupport.locale(request)
            let words = ConsoleTexts.words(locale)
            let webhooks = try await domain.repositories.webhooks.counts()
            let audit = await auditCheck.problem() ?? (words["intact"] ?? "")
            func figuresRow(_ key: String, _ row: BusinessFigures.Row, since: Int64) -> ConsoleOverviewView.Figures {
                .init(
                    key: key, period: words["fig_" + key] ?? key, orders: row.orders, delivered: row.delivered,
                    failed: row.failed, faceValue: DinarAmount.text(row.faceValue, locale: locale),
                    failedHref: "/console/orders?status=REFUNDED&from=" + Self.day(since))
            }
            // Not final yet and registered before today: worth a look.
            let stuck = [OrderStatus.handling, .queued].map {
                ConsoleOverviewView.Stuck(
                    code: $0.rawValue, label: ConsoleTerms.status($0, locale),
                    count: (everCounts[$0] ?? 0) - (counts[$0] ?? 0),
                    href: "/console/orders?status=\($0.rawValue)&to=" + Self.day(midnight - 1))
            }
            var lowBalance: String?
            if balanceAlertBelow > 0, let known = await account.knownBalance ?? snapshot?.balance,
                known < balanceAlertBelow
            {
                lowBalance =
                    "\(words["lowBalance"] ?? "") \(DinarAmount.text(Int(known.rounded()), locale: locale)) < "
                    + DinarAmount.text(Int(balanceAlertBelow.rounded()), locale: locale)
            }
            // The day's last reading, per Algiers day, for the last seven days.
            var lastOfDay: [Int64: BalanceReading] = [:]
            for reading in try await domain.repositories.alerts.balances(since: midnight - 6 * DailyFigures.dayMillis) {
                lastOfDay[DailyFigures.day(of: reading.at)] = reading
            }
            let history = lastOfDay.sorted { $0.key > $1.key }.map {
                ConsoleOverviewView.BalanceDay(
                    date: Self.day($0.value.at),
                    balance: DinarAmount.text(Int($0.value.balance.rounded()), locale: locale))
            }
            let view = ConsoleOverviewView(
                figures: [
                    figuresRow("today", today, since: midnight),
                    figuresRow("week", week, since: midnight - 6 * DailyFigures.dayMillis),
                ],
                stuck: stuck, lowBalance: lowBalance, history: history, hasHistory: !history.isEmpty,
                audit: audit,
                statuses: OrderStatus.allCases.map {
                    .init(name: ConsoleTerms.status($0, locale), code: $0.rawValue, count: counts[$0] ?? 0)
                },
                pending: (deliveries[.pending] ?? 0) + (deliveries[.sending] ?? 0), failed: unresolved,
                balance: snapshot.map { DinarAmount.text(Int($0.balance.rounded()), locale: locale) }
                    ?? (words["unknown"] ?? "?"),
                keyType: snapshot?.keyType ?? (words["unknown"] ?? "?"), sandbox: snapshot?.keyType == "SANDBOX",
                webhooks: "\(webhooks[.pending] ?? 0) \(ConsoleTerms.webhook(.pending, locale)) · "
                    + "\(webhooks[.failed] ?? 0) \(ConsoleTerms.webhook(.failed, locale))")
            return support.page(view, request: request, session: session)
        }
    }

    /// The Algiers date (`2026-12-07`) of an instant, as the order list's date fields take it.
    static func day(_ milliseconds: Int64) -> String {
        DailyFigures.date(of: milliseconds)
    }
}
