import Audit
import BitaqaCore
import CoreMetrics
import Logging
import ServiceLifecycle

/// How alerts are judged and sent.
public struct AlertSettings: Sendable {
    public var recipients: [String]
    public var locale: CustomerLocale
    /// At most one email per condition per this long (`BITAQA_ALERT_REPEAT`).
    public var repeatEvery: Duration
    /// Between evaluations of the conditions (`BITAQA_ALERT_CHECK_INTERVAL`).
    public var interval: Duration
    /// How long every upstream read must have failed (`BITAQA_ALERT_UPSTREAM_DOWN_AFTER`).
    public var upstreamDownAfter: Duration
    /// Balance in DZD under which `balance_low` holds; 0: never.
    public var balanceBelow: Double
    /// Between self-checks of the audit trail's newest events (`BITAQA_AUDIT_CHECKPOINT_INTERVAL`).
    public var auditEvery: Duration
    public var handlingStuckAfter: Duration = .seconds(600)
    public var queuedStuckAfter: Duration = .seconds(72 * 3_600)
    /// `BITAQA_PUBLIC_URL`, without a trailing slash: each email links to the console page that shows
    /// its condition. Nil: no link.
    public var publicURL: String?

    public init(
        recipients: [String], locale: CustomerLocale = .fr, repeatEvery: Duration = .seconds(3_600),
        interval: Duration = .seconds(15), upstreamDownAfter: Duration = .seconds(300), balanceBelow: Double = 0,
        auditEvery: Duration = .seconds(300), publicURL: String? = nil
    ) {
        self.publicURL = publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        self.recipients = recipients
        self.locale = locale
        self.repeatEvery = repeatEvery
        self.interval = interval
        self.upstreamDownAfter = upstreamDownAfter
        self.balanceBelow = balanceBelow
        self.auditEvery = auditEvery
    }
}

/// The audit self-check: the newest events against the last signed checkpoint.
public struct AuditSelfCheck: Sendable {
    let verifier: AuditVerifier
    let file: CheckpointFile
    let keys: CheckpointKeys

    public init(trail: AuditTrail, file: CheckpointFile, keys: CheckpointKeys) {
        self.verifier = AuditVerifier(trail: trail)
        self.file = file
        self.keys = keys
    }

    /// Nil when intact (or when there is no checkpoint yet); the reason otherwise.
    public func problem() async -> String? {
        guard let checkpoint = try? file.read() else { return nil }
        guard keys.isValid(checkpoint) else { return "the checkpoint file's signature does not verify" }
        do {
            if case .broken(let sequence, let reason) = try await verifier.verifyTail(from: checkpoint) {
                return "event \(sequence): \(reason)"
            }
            return nil
        } catch {
            return "the trail could not be read (\(type(of: error)))"
        }
    }
}

/// Judges each alert condition every `interval` and records it; a change from what was last emailed
/// writes an alert email (at most one per condition per `repeatEvery`), which ``AlertMailer`` sends.
/// The state lives in the database, so a restart neither repeats nor forgets an alert.
public struct AlertMonitor: Service {
    let context: DomainContext
    let settings: AlertSettings
    let account: UpstreamAccount?
    let audit: AuditSelfCheck?
    let keys: AlertEmailKeys
    let logger: Logger
    let factory: any MetricsFactory

    /// With no recipients the conditions are still judged, for the `bitaqa_alert_condition` gauge that
    /// Prometheus rules read; no email is written.
    public init(
        context: DomainContext, settings: AlertSettings, account: UpstreamAccount?, audit: AuditSelfCheck?,
        keys: AlertEmailKeys, logger: Logger, factory: any MetricsFactory
    ) {
        self.keys = keys
        self.context = context
        self.settings = settings
        self.account = account
        self.audit = audit
        self.logger = logger
        self.factory = factory
    }

    public func run() async throws {
        var auditProblem: String?
        var lastAudit: ContinuousClock.Instant?
        await WorkLoop.every(settings.interval, name: "alert evaluation", logger: logger) {
            if let audit, lastAudit.map({ ContinuousClock.now - $0 >= settings.auditEvery }) ?? true {
                auditProblem = await audit.problem()
                lastAudit = .now
            }
            try await evaluate(auditProblem: auditProblem)
        }
    }

    /// Judges every condition now; returns the ones whose email was written. A condition that starts is
    /// emailed at most once per `repeatEvery`; one that clears is emailed at once, so the operator is
    /// not left believing it still holds (a clear can only follow a raise, so this adds no storm).
    @discardableResult
    public func evaluate(auditProblem: String? = nil) async throws -> [AlertCondition] {
        let alerts = context.repositories.alerts
        let now = context.time.now()
        var judged: [(AlertCondition, Bool, AlertTexts.Facts)] = []
        if settings.balanceBelow > 0, let balance = await account?.knownBalance {
            judged.append(
                (.balanceLow, balance < settings.balanceBelow, .balance(balance, below: settings.balanceBelow)))
        }
        let failed = try await alerts.unresolvedFailedDeliveries()
        judged.append((.deliveryFailed, failed > 0, .failedDeliveries(failed)))
        let stuck = try await alerts.stuckOrders(
            handlingBefore: now - settings.handlingStuckAfter.inMilliseconds,
            queuedBefore: now - settings.queuedStuckAfter.inMilliseconds)
        judged.append((.ordersStuck, stuck > 0, .stuckOrders(stuck)))
        let uncertain = try await context.repositories.giftCards.search(
            GiftCardSearch(status: .uncertain, limit: 1_000))
        judged.append((.giftCardsUncertain, !uncertain.isEmpty, .uncertainGiftCards(uncertain.count)))
        if let account {
            let since = await account.failingSince
            let down = since.map { ContinuousClock.now - $0 >= settings.upstreamDownAfter } ?? false
            judged.append((.upstreamDown, down, .upstreamFailing(for: settings.upstreamDownAfter)))
        }
        if audit != nil {
            judged.append((.auditBroken, auditProblem != nil, .audit(auditProblem)))
        }
        var emailed: [AlertCondition] = []
        for (condition, active, facts) in judged {
            let detail = AlertTexts.detail(facts, locale: settings.locale)
            Gauge(label: "bitaqa_alert_condition", dimensions: [("condition", condition.rawValue)], factory: factory)
                .record(active ? 1 : 0)
            guard !settings.recipients.isEmpty else { continue }
            if try await alerts.evaluate(
                condition.rawValue, active: active, detail: detail, now: now,
                repeatMillis: active ? settings.repeatEvery.inMilliseconds : 0,
                mac: keys.mac(condition: condition.rawValue, active: active, detail: detail, createdAt: now))
            {
                emailed.append(condition)
                logger.warning(
                    active ? "alert raised" : "alert cleared",
                    metadata: [
                        "condition": "\(condition.rawValue)", "detail": "\(detail)",
                        "problem": "\(condition == .auditBroken ? auditProblem ?? "" : "")",
                    ])
            }
        }
        return emailed
    }
}
