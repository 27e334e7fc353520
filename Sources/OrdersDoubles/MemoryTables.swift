import Audit
import BitaqaCore
import Orders

/// The tables of a ``MemoryDatabase``, as one value: copying it is a snapshot (each table is a
/// copy-on-write collection), which is how a transaction gets its own view and how it rolls back.
///
/// Rows keep the columns Storage has and the domain's records do not show (leases, the last check's
/// error, when an order was fulfilled or reported stuck), since the repositories' guards depend on them.
struct MemoryTables: Sendable {
    var orders: [String: OrderRow] = [:]
    var deliveries: [String: DeliveryRow] = [:]
    /// In sequence order; the sequence is unique, as the SQL table's primary key.
    var auditEvents: [AuditRow] = []
    /// Each bucket's event times, in the order they were recorded.
    var rateEvents: [String: [Int64]] = [:]
    var webhookMessages: [String: WebhookMessageRow] = [:]
    var alertConditions: [String: AlertConditionRow] = [:]
    var alertEmails: [String: AlertEmailRow] = [:]
    var consoleSessions: [String: ConsoleSessionRow] = [:]
    var staff: [String: StaffRecord] = [:]
    var workers: [String: WorkerRow] = [:]
    var notes: [OrderNote] = []
    var balances: [Int64: Double] = [:]
    /// Gift-card orders' details by ref (their common fields are in `orders`), and their sealed cards.
    var giftCardOrders: [String: GiftCardDetails] = [:]
    var giftCards: [String: [SealedGiftCard]] = [:]
}

/// Who holds a row and until when; both nil when nobody does.
struct Lease: Sendable, Equatable {
    var owner: String?
    var until: Int64?

    /// Free at `now`: never taken, or taken until a time that has come.
    func isFree(at now: Int64) -> Bool {
        guard let until else { return true }
        return until <= now
    }
}

/// A row of a table whose rows fall due and are claimed with a lease (``LeaseTable``).
protocol LeasedRow: Sendable {
    /// When the row is next due; nil: finished, never claimed again.
    var due: Int64? { get set }
    var lease: Lease { get set }
}

struct OrderRow: LeasedRow {
    var record: OrderRecord
    var lease = Lease()
    var fulfilledAt: Int64?
    var lastCheckError: String?
    var stuckNotifiedAt: Int64?
    /// When the order was first seen QUEUED, and when its buyer was told of the delay.
    var queuedAt: Int64?
    var delayNoticedAt: Int64?

    var due: Int64? {
        get { record.nextCheckAt }
        set { record.nextCheckAt = newValue }
    }
}

struct DeliveryRow: LeasedRow {
    var record: DeliveryRecord
    var updatedAt: Int64
    var lease = Lease()

    var due: Int64? {
        get { record.nextAttemptAt }
        set { record.nextAttemptAt = newValue }
    }
}

struct WebhookMessageRow: LeasedRow {
    var record: WebhookMessageRecord
    var lease = Lease()

    var due: Int64? {
        get { record.nextAttemptAt }
        set { record.nextAttemptAt = newValue }
    }
}

/// An operator alert condition: its state, and what was last emailed about it.
struct AlertConditionRow: Sendable {
    var active: Bool
    var changedAt: Int64
    var emailedActive = false
    var emailedAt: Int64?
}

struct AlertEmailRow: LeasedRow {
    let id: String
    let condition: String
    let active: Bool
    let detail: String
    let createdAt: Int64
    /// `pending`, `sent` or `failed`.
    var state: String
    var attempts = 0
    var lastError: String?
    var nextAttemptAt: Int64?
    let mac: RowMAC?
    var lease = Lease()

    var due: Int64? {
        get { nextAttemptAt }
        set { nextAttemptAt = newValue }
    }

    var record: AlertEmailRecord {
        AlertEmailRecord(
            id: id, condition: condition, active: active, detail: detail, createdAt: createdAt, attempts: attempts,
            mac: mac?.mac, macKeyID: mac?.keyID)
    }
}

struct ConsoleSessionRow: Sendable {
    var record: ConsoleSessionRecord
    var endedAt: Int64?
}

struct WorkerRow: Sendable {
    let startedAt: Int64
    var heartbeatAt: Int64
}
