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
        /// The status in words, and its code.
        let name: String
        let code: String
        let count: Int
    }

    /// The numbers of the business over a period (today, the last seven Algiers days).
    struct Figures: Sendable {
        /// `today` or `week`: the cells' ids.
        let key: String
        let period: String
        let orders: Int
        let delivered: Int
        let failed: Int
        let faceValue: String
        /// The order list of the period's refunded orders.
        let failedHref: String
    }

    /// Orders registered before today and not final yet, by status, with the list that shows them.
    struct Stuck: Sendable {
        let code: String
        let label: String
        let count: Int
        let href: String
    }

    static let template = ConsolePages.Template.overview
    let figures: [Figures]
    let stuck: [Stuck]
    /// The low-balance banner: the known balance is below `BITAQA_BALANCE_ALERT_BELOW`.
    let lowBalance: String?
    /// The day's last balance reading, for each of the last seven Algiers days that has one.
    let history: [BalanceDay]
    /// Read by name by the template's renderer (stored, since it sees stored properties only).
    let hasHistory: Bool

    struct BalanceDay: Sendable {
        let date: String
        let balance: String
    }
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
        /// Each side's status in words with its code; `-` where that side does not know the top-up.
        let upstream: String
        let upstreamCode: String
        let local: String
        let localCode: String
        let hasUpstream: Bool
        let hasLocal: Bool
        let value: String

        init(_ difference: Reconciler.Difference, locale: CustomerLocale) {
            kind = ConsoleTerms.difference(difference.kind.rawValue, locale)
            topupId = difference.topupId
            upstream = difference.status.map { ConsoleTerms.status(raw: $0, locale) } ?? "-"
            upstreamCode = difference.status ?? ""
            local = difference.localStatus.map { ConsoleTerms.status(raw: $0, locale) } ?? "-"
            localCode = difference.localStatus ?? ""
            hasUpstream = difference.status != nil
            hasLocal = difference.localStatus != nil
            value = difference.value.map { DinarAmount.text($0, locale: locale) } ?? "-"
        }
    }

    struct Total: Sendable {
        let kind: String
        let count: Int
        let amount: String
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
    mutating func show(_ report: Reconciler.Report, locale: CustomerLocale = .fr) {
        ran = true
        func time(_ iso: String) -> String { Timestamp.parse(iso).map { ConsoleTerms.time($0, locale) } ?? iso }
        summary = "\(time(report.from)) – \(time(report.to)) : \(report.upstreamCount) / \(report.localCount)"
        hasDifferences = !report.differences.isEmpty
        differences = report.differences.map { Difference($0, locale: locale) }
        let totals = report.totals
        self.totals = (Reconciler.Kind.allCases.map(\.rawValue) + ["all"]).map {
            Total(
                kind: ConsoleTerms.difference($0, locale), count: totals[$0]?.count ?? 0,
                amount: DinarAmount.text(totals[$0]?.amount ?? 0, locale: locale))
        }
    }
}

/// `/console/webhooks`: the outbox, filtered by state, with a retry button for what is not delivered.
struct ConsoleWebhooksView: ConsoleView {
    struct State: Sendable {
        let value: String
        let label: String
        let selected: Bool
    }

    struct Message: Sendable {
        let id: String
        let type: String
        let topupId: String
        let state: String
        let attempts: Int
        let lastStatus: String
        /// Why the last attempt failed, as the sender recorded it; `-` without one.
        let error: String
        /// What the error means and what to do, in words; nil without one.
        let reason: String?
        let next: String
        let retryable: Bool

        init(_ message: WebhookMessageRecord, locale: CustomerLocale) {
            id = message.id
            type = message.type
            topupId = message.topupId ?? "-"
            state = ConsoleTerms.webhook(message.state, locale)
            attempts = message.attempts
            lastStatus = message.lastStatus.map(String.init) ?? "-"
            error = message.lastError ?? "-"
            reason = ConsoleTerms.webhookFailure(message.lastError, locale)
            next = message.nextAttemptAt.map { ConsoleTerms.time($0, locale) } ?? "-"
            retryable = message.state != .delivered
        }
    }

    static let template = ConsolePages.Template.webhooks
    /// Off: the page says which setting turns webhooks on.
    let configured: Bool
    let states: [State]
    let messages: [Message]

    init(configured: Bool, state: WebhookState?, messages: [WebhookMessageRecord], locale: CustomerLocale = .fr) {
        self.configured = configured
        states = WebhookState.allCases.map {
            State(value: $0.rawValue, label: ConsoleTerms.webhook($0, locale), selected: $0 == state)
        }
        self.messages = messages.map { Message($0, locale: locale) }
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

/// A console refusal (403): no session, an expired form, a role below the action's.
struct ConsoleRefusalView: ConsoleView {
    static let template = ConsolePages.Template.refusal
    let message: String
}

/// `/console/buyers/{userId}`: one buyer's orders, newest first, contacts masked, and for an owner the
/// buyer's personal data: its export and the erasure of its contacts.
struct ConsoleBuyerView: ConsoleView {
    struct Row: Sendable {
        let id: String
        let href: String
        let created: String
        let statusLabel: String
        let status: String
        let value: String
        let email: String
        let phone: String
        /// The contact is gone because it was erased, not because the order never had one: the cell
        /// says so in words.
        let emailErased: Bool
        let phoneErased: Bool

        init(_ order: OrderRecord, locale: CustomerLocale) {
            id = order.topupId.rawValue
            href = ConsoleOrderView.path(order.topupId)
            created = ConsoleTerms.time(order.createdAt, locale)
            statusLabel = ConsoleTerms.status(order.status, locale)
            status = order.status.rawValue
            value = order.value.map { DinarAmount.text($0, locale: locale) } ?? "-"
            email = order.email.map { ContactRules.masked($0, channel: .email) } ?? "-"
            phone = order.phone.map { ContactRules.masked($0, channel: .sms) } ?? "-"
            // A contact corrected after an erasure is held again, and shown masked like any other.
            emailErased = order.contactsErasedAt != nil && order.email == nil
            phoneErased = order.contactsErasedAt != nil && order.phone == nil
        }
    }

    static let template = ConsolePages.Template.buyer
    let user: String
    let orders: [Row]
    let hasOrders: Bool
    /// The next page of the buyer's orders; nil on the last.
    var next: String? = nil
    /// The buyer's page, under which its export and erasure live; nil for an id Bitaqa does not accept.
    var path: String? = nil
}

/// `/console/send`: the owner places a top-up; the catalogue of the chosen type with cost and stock.
struct ConsoleSendView: ConsoleView {
    struct Option: Sendable {
        let value: String
        let label: String
        let selected: Bool
    }

    struct Product: Sendable {
        let value: Int
        let label: String
        let available: Bool
        let selected: Bool
    }

    static let template = ConsolePages.Template.send
    let type: String
    let types: [Option]
    let products: [Product]
    let hasProducts: Bool
    let locales: [Option]
    /// What was typed, shown back after a refusal.
    var number = ""
    var value = ""
    var userId = ""
    var email = ""
    var phone = ""
    var error: String?

    init(
        type: CardType, catalogue: [Orders.Product]?, language: CustomerLocale, chosen: Int?, locale: CustomerLocale
    ) {
        let words = ConsoleTexts.words(locale)
        self.type = type.rawValue
        types = CardType.allCases.map { Option(value: $0.rawValue, label: $0.rawValue, selected: $0 == type) }
        products = (catalogue ?? []).map {
            let cost = DinarAmount.text(Int($0.cost.rounded()), locale: locale)
            let stock = ($0.available ? words["inStock"] : words["outOfStock"]) ?? ""
            return Product(
                value: $0.value,
                label: "\(DinarAmount.text($0.value, locale: locale)) · \(words["cost"] ?? "") \(cost) · \(stock)",
                available: $0.available, selected: $0.value == chosen)
        }
        hasProducts = !products.isEmpty
        locales = [CustomerLocale.fr, .ar, .en].map {
            Option(
                value: $0.rawValue, label: ["fr": "Français", "ar": "العربية", "en": "English"][$0.rawValue] ?? "",
                selected: $0 == language)
        }
    }
}
