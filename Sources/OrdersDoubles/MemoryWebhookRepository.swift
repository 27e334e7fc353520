import BitaqaCore
import Orders

/// The webhook outbox in memory, with the rules of Storage's `SQLWebhookRepository`: a message is due
/// the moment it is queued, an attempt is recorded only by the owner of its lease, and a delivered
/// message cannot be made due again.
public struct MemoryWebhookRepository: WebhookRepository {
    let database: MemoryDatabase

    public init(database: MemoryDatabase) {
        self.database = database
    }

    public func enqueue(_ message: NewWebhookMessage, now: Int64, in transaction: Transaction) async throws {
        try database.write(in: transaction) { tables in
            guard tables.webhookMessages[message.id] == nil else {
                throw MemoryDatabaseError.duplicateKey(table: "webhook_messages", key: message.id)
            }
            var record = WebhookMessageRecord(
                id: message.id, type: message.type, body: message.body, state: .pending, attempts: 0, createdAt: now)
            record.topupId = message.topupId?.rawValue
            record.mac = message.mac
            record.macKeyID = message.macKeyID
            record.nextAttemptAt = now
            tables.webhookMessages[message.id] = WebhookMessageRow(record: record)
        }
    }

    public func orderFacts(_ topupId: TopupID, in transaction: Transaction) async throws -> WebhookOrderFacts? {
        try database.read(in: transaction) { tables in
            tables.orders[topupId.rawValue].map { row in
                WebhookOrderFacts(
                    ref: row.record.topupRef, userId: row.record.userId.rawValue, product: row.record.productLine,
                    orderId: row.record.topupRef.flatMap { tables.giftCardOrders[$0]?.orderId },
                    status: row.record.status)
            }
        }
    }

    public func message(_ id: String) async throws -> WebhookMessageRecord? {
        try database.read { $0.webhookMessages[id]?.record }
    }

    @discardableResult
    public func recordAttempt(
        _ id: String, owner: String, state: WebhookState, status: Int?, error: String?, nextAttemptAt: Int64?,
        now: Int64
    ) async throws -> Bool {
        try await database.write { tables in
            guard var row = tables.webhookMessages[id], row.lease.owner == owner else { return false }
            row.record.state = state
            row.record.attempts += 1
            row.record.lastStatus = status
            row.record.lastError = error
            row.record.nextAttemptAt = nextAttemptAt
            row.record.deliveredAt = state == .delivered ? now : nil
            row.lease = Lease()
            tables.webhookMessages[id] = row
            return true
        }
    }

    public func messages(state: WebhookState?, limit: Int, after cursor: String?) async throws
        -> [WebhookMessageRecord]
    {
        try database.read { tables in
            var records = tables.webhookMessages.values.map(\.record)
            if let state { records = records.filter { $0.state == state } }
            if let cursor {
                // `(created_at, id) < (SELECT … WHERE id = cursor)`: nothing when the cursor names no message.
                guard let last = tables.webhookMessages[cursor]?.record else { return [] }
                records = records.filter { ($0.createdAt, $0.id) < (last.createdAt, last.id) }
            }
            return Array(records.sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }.prefix(max(0, limit)))
        }
    }

    public func retry(_ id: String, now: Int64) async throws -> Bool {
        try await database.write { tables in
            guard var row = tables.webhookMessages[id], row.record.state != .delivered else { return false }
            row.record.state = .pending
            row.record.nextAttemptAt = now
            tables.webhookMessages[id] = row
            return true
        }
    }

    public func unreportedStuck(handlingBefore: Int64, queuedBefore: Int64, limit: Int) async throws
        -> [OrderRecord]
    {
        try database.read { tables in
            Array(
                tables.orders.values.filter { row in
                    row.stuckNotifiedAt == nil
                        && row.record.isStuck(handlingBefore: handlingBefore, queuedBefore: queuedBefore)
                }
                .map(\.record)
                .sorted { ($0.createdAt, $0.topupId.rawValue) < ($1.createdAt, $1.topupId.rawValue) }
                .prefix(max(0, limit)))
        }
    }

    public func markStuckReported(_ topupId: TopupID, now: Int64, in transaction: Transaction) async throws -> Bool {
        try database.write(in: transaction) { tables in
            guard var row = tables.orders[topupId.rawValue], row.stuckNotifiedAt == nil else { return false }
            row.stuckNotifiedAt = now
            tables.orders[topupId.rawValue] = row
            return true
        }
    }

    public func counts() async throws -> [WebhookState: Int] {
        try database.read { tables in
            tables.webhookMessages.values.reduce(into: [:]) { counts, row in counts[row.record.state, default: 0] += 1 }
        }
    }

    private struct OrderFacts: Sendable {
        let ref: String?
        let userId: String
    }
}

extension OrderRecord {
    /// HANDLING since before `handlingBefore`, or QUEUED since before `queuedBefore` (by registration).
    func isStuck(handlingBefore: Int64, queuedBefore: Int64) -> Bool {
        (status == .handling && createdAt < handlingBefore) || (status == .queued && createdAt < queuedBefore)
    }
}
