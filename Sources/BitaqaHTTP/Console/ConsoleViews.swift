import BitaqaCore
import Orders

/// A page's values, typed. The templates read them through Mirror, so every stored property is named
/// after the template variable it fills; rows hold strings and numbers only, never an optional, so a
/// row never falls back to a value of the page with the same name.
protocol ConsoleView: Sendable {
    /// The template of ``ConsolePages`` these values fill.
    static var template: ConsolePages.Template { get }
}

/// The sign-in page; `error` says why the last attempt failed.
struct ConsoleLoginView: ConsoleView {
    static let template = ConsolePages.Template.login
    var error: String?
}

/// `/console`: today at a glance.
struct ConsoleOverviewView: ConsoleView {
    struct Count: Sendable {
        let name: String
        let count: Int
    }

    static let template = ConsolePages.Template.overview
    /// The audit self-check's problem, or the word for intact.
    let audit: String
    /// Today's orders, one row per status, zeros included.
    let statuses: [Count]
    /// Card deliveries pending or sending, and failed.
    let pending: Int
    let failed: Int
    let balance: String
    let keyType: String
    /// Shows the sandbox warning.
    let sandbox: Bool
    /// Webhook messages pending / failed.
    let webhooks: String
}

/// `/console/reconciliation`: the window's form, and once run, the differences and their totals.
struct ConsoleReconciliationView: ConsoleView {
    struct Difference: Sendable {
        let kind: String
        let topupId: String
        let upstream: String
        let local: String
        let value: String

        init(_ difference: Reconciler.Difference) {
            kind = difference.kind.rawValue
            topupId = difference.topupId
            upstream = difference.status ?? "-"
            local = difference.localStatus ?? "-"
            value = difference.value.map { "\($0) DZD" } ?? "-"
        }
    }

    struct Total: Sendable {
        let kind: String
        let count: Int
        let amount: Int
    }

    static let template = ConsolePages.Template.reconciliation
    /// The window as typed, shown back in the form.
    let from: String
    let to: String
    /// Why the run failed: a bad window, or the upstream not answering.
    var error: String?
    var ran = false
    var summary = ""
    var hasDifferences = false
    var differences: [Difference] = []
    /// One row per kind, then `all`.
    var totals: [Total] = []

    /// The form with the window, before (or without) a run.
    init(from: String, to: String) {
        self.from = from
        self.to = to
    }

    /// Fills in the report of a run.
    mutating func show(_ report: Reconciler.Report) {
        ran = true
        summary = "\(report.from) – \(report.to): \(report.upstreamCount) / \(report.localCount)"
        hasDifferences = !report.differences.isEmpty
        differences = report.differences.map(Difference.init)
        let totals = report.totals
        self.totals = (Reconciler.Kind.allCases.map(\.rawValue) + ["all"]).map {
            Total(kind: $0, count: totals[$0]?.count ?? 0, amount: totals[$0]?.amount ?? 0)
        }
    }
}

/// `/console/webhooks`: the outbox, filtered by state, with a retry button for what is not delivered.
struct ConsoleWebhooksView: ConsoleView {
    struct State: Sendable {
        let value: String
        let selected: Bool
    }

    struct Message: Sendable {
        let id: String
        let type: String
        let topupId: String
        let state: String
        let attempts: Int
        let lastStatus: String
        let next: String
        let retryable: Bool

        init(_ message: WebhookMessageRecord) {
            id = message.id
            type = message.type
            topupId = message.topupId ?? "-"
            state = message.state.rawValue
            attempts = message.attempts
            lastStatus = message.lastStatus.map(String.init) ?? "-"
            next = message.nextAttemptAt.map(Timestamp.iso8601) ?? "-"
            retryable = message.state != .delivered
        }
    }

    static let template = ConsolePages.Template.webhooks
    /// Off: the page says which setting turns webhooks on.
    let configured: Bool
    let states: [State]
    let messages: [Message]

    init(configured: Bool, state: WebhookState?, messages: [WebhookMessageRecord]) {
        self.configured = configured
        states = WebhookState.allCases.map { State(value: $0.rawValue, selected: $0 == state) }
        self.messages = messages.map(Message.init)
    }
}

/// `/console/health`: the encryption keys and the rotation, the audit trail, the upstream.
struct ConsoleHealthView: ConsoleView {
    struct Key: Sendable {
        let id: String
        let cards: Int
        let active: Bool
    }

    static let template = ConsolePages.Template.health
    let keys: [Key]
    let rotation: String
    /// The newest audit event and the last checkpoint, or `-`.
    let head: String
    let checkpoint: String
    let selfCheck: String
    let upstream: String
}
