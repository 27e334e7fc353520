import BitaqaCore
import CoreMetrics
import Logging
import ServiceLifecycle

/// The upstream account as last read: its balance in DZD (`/v3/account/balance`) and its key's type
/// (`/v3/validate`), kept for `lifetime` so a dashboard or a burst of sends does not cost a call each.
/// Every read sets the `bitaqa_upstream_balance_dzd` gauge.
public actor UpstreamAccount {
    public struct Snapshot: Sendable, Equatable {
        public let balance: Double
        /// `SANDBOX` or `PRODUCTION`, as `/v3/validate` says.
        public let keyType: String
    }

    let client: any AccountUpstream
    let lifetime: Duration
    let factory: any MetricsFactory
    private var last: (at: ContinuousClock.Instant, snapshot: Snapshot)?
    /// Since when every read has failed; nil after a success.
    public private(set) var failingSince: ContinuousClock.Instant?

    public init(
        client: any AccountUpstream, lifetime: Duration = .seconds(30), factory: any MetricsFactory
    ) {
        self.client = client
        self.lifetime = lifetime
        self.factory = factory
    }

    /// The account, read again when the last reading is older than `lifetime`.
    public func current() async throws(UpstreamError) -> Snapshot {
        if let last, ContinuousClock.now - last.at < lifetime { return last.snapshot }
        return try await refresh()
    }

    /// Reads the account now.
    @discardableResult
    public func refresh() async throws(UpstreamError) -> Snapshot {
        let balance: Double
        let keyType: String
        // A failing read counts from when it began: retries and timeouts must not hide an outage.
        let started = ContinuousClock.now
        do {
            balance = try await client.balance()
            keyType = try await client.validate().type?.uppercased() ?? "UNKNOWN"
        } catch {
            if failingSince == nil { failingSince = started }
            throw error
        }
        failingSince = nil
        let snapshot = Snapshot(balance: balance, keyType: keyType)
        last = (.now, snapshot)
        record(balance)
        return snapshot
    }

    /// The balance last read, if it is fresh; never a call upstream.
    public var knownBalance: Double? {
        guard let last, ContinuousClock.now - last.at < lifetime else { return nil }
        return last.snapshot.balance
    }

    /// Lowers the balance last read by what a top-up just cost, so the next send sees it.
    public func spent(_ amount: Double) {
        guard let current = last else { return }
        let snapshot = Snapshot(balance: current.snapshot.balance - amount, keyType: current.snapshot.keyType)
        last = (current.at, snapshot)
        record(snapshot.balance)
    }

    private func record(_ balance: Double) {
        Gauge(label: "bitaqa_upstream_balance_dzd", factory: factory).record(balance)
    }
}

/// Reads the upstream account every `interval`, so the balance gauge and the send pre-check stay current;
/// and when the balance falls below a threshold, reports it once (`account.balance_low`) until it
/// rises above it again.
public struct AccountMonitor: Service {
    let account: UpstreamAccount
    let interval: Duration
    let logger: Logger
    let lowBalance: LowBalanceNotice?

    /// Where a low balance is reported.
    public struct LowBalanceNotice: Sendable {
        let threshold: Double
        let outbox: WebhookOutbox
        let context: DomainContext

        public init(threshold: Double, outbox: WebhookOutbox, context: DomainContext) {
            self.threshold = threshold
            self.outbox = outbox
            self.context = context
        }
    }

    /// Where readings are kept; nil keeps none.
    let history: DomainContext?

    /// - Parameters:
    ///   - interval: between reads (`BITAQA_BALANCE_REFRESH`).
    ///   - history: where each reading is kept for the console's history (30 days); nil keeps none.
    public init(
        account: UpstreamAccount, interval: Duration, logger: Logger, lowBalance: LowBalanceNotice?,
        history: DomainContext?
    ) {
        self.history = history
        self.account = account
        self.interval = interval
        self.logger = logger
        self.lowBalance = lowBalance
    }

    public func run() async throws {
        var wasLow = false
        await WorkLoop.every(interval, name: "upstream balance read", logger: logger) {
            let balance: Double
            do {
                balance = try await account.refresh().balance
            } catch {
                // An outage is the alert monitor's to report; each failed read is not news.
                logger.debug("upstream balance not read", metadata: ["error.type": "\(type(of: error))"])
                return
            }
            if let history {
                let now = history.time.now()
                try await history.repositories.alerts.recordBalance(
                    balance, at: now, forgetBefore: now - Duration.seconds(30 * 86_400).inMilliseconds)
            }
            if let notice = lowBalance {
                let low = balance < notice.threshold
                if low && !wasLow { try await report(balance, notice) }
                wasLow = low
            }
        }
    }

    private func report(_ balance: Double, _ notice: LowBalanceNotice) async throws {
        logger.warning(
            "upstream balance low", metadata: ["balance": "\(balance)", "threshold": "\(notice.threshold)"])
        let now = notice.context.time.now()
        try await notice.context.repositories.transaction { [outbox = notice.outbox] transaction in
            try await outbox.enqueue(
                .accountBalanceLow, topupId: nil,
                data: ["balance": balance, "threshold": notice.threshold, "currency": "DZD"], now: now,
                in: transaction)
        }
    }
}
