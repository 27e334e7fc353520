import BitaqaCore
import Foundation
import Orders
import SQLKit

/// The one implementation.
public struct SQLPipelineRepository: PipelineRepository {
    let store: Store

    public init(store: Store) {
        self.store = store
    }

    // MARK: - Tracking

    /// Records a check that did not finish the order: its status (when known), when to check next, and
    /// the error of the check, if any. Releases the lease. Returns false if the lease was lost.
    public func recordCheck(
        _ topupId: TopupID, owner: String, status: OrderStatus?, nextCheckAt: Int64?, error: String?, now: Int64,
        in transaction: Transaction?
    ) async throws -> Bool {
        var statusClause: SQLQueryString = status.map { "status = \(bind: $0.rawValue), " } ?? ""
        // The first time an order is seen QUEUED starts its delay-notice clock.
        if status == .queued { statusClause = statusClause + "queued_at = COALESCE(queued_at, \(bind: now)), " }
        let rows = try await Transaction.sql(transaction, store).raw(
            SQLQueryString("UPDATE orders SET ") + statusClause
                + "next_check_at = \(bind: nextCheckAt), check_count = check_count + 1, last_check_error = \(bind: error), "
                + "last_checked_at = \(bind: now), updated_at = \(bind: now), lease_owner = NULL, lease_until = NULL "
                + "WHERE topup_id = \(bind: topupId.rawValue) AND lease_owner = \(bind: owner) RETURNING topup_id"
        ).all()
        return !rows.isEmpty
    }

    /// Stores a fulfilled card on its order and ends tracking, inside the caller's transaction.
    public func markFulfilled(
        _ topupId: TopupID, owner: String, sealed: [UInt8], keyID: String, transactionNumber: String?,
        processedDate: String?, type: CardType?, number: String?, value: Int?, now: Int64, in transaction: Transaction
    ) async throws -> Bool {
        let rows = try await transaction.sql.raw(
            """
            UPDATE orders SET status = \(bind: OrderStatus.fulfilled.rawValue), sealed_card = \(bind: Data(sealed)),
                card_key_id = \(bind: keyID), transaction_number = \(bind: transactionNumber),
                processed_date = \(bind: processedDate), card_type = COALESCE(card_type, \(bind: type?.rawValue)),
                number = COALESCE(number, \(bind: number)), value = COALESCE(value, \(bind: value)),
                fulfilled_at = \(bind: now), next_check_at = NULL, check_count = check_count + 1,
                last_checked_at = \(bind: now),
                last_check_error = NULL, updated_at = \(bind: now), lease_owner = NULL, lease_until = NULL
            WHERE topup_id = \(bind: topupId.rawValue) AND lease_owner = \(bind: owner)
                AND status <> \(bind: OrderStatus.fulfilled.rawValue)
            RETURNING topup_id
            """
        ).all()
        return !rows.isEmpty
    }

    /// Records a refund and ends tracking, inside the caller's transaction.
    public func markRefunded(_ topupId: TopupID, owner: String, now: Int64, in transaction: Transaction) async throws
        -> Bool
    {
        let rows = try await transaction.sql.raw(
            """
            UPDATE orders SET status = \(bind: OrderStatus.refunded.rawValue), next_check_at = NULL,
                check_count = check_count + 1, last_check_error = NULL, updated_at = \(bind: now),
                last_checked_at = \(bind: now), lease_owner = NULL, lease_until = NULL
            WHERE topup_id = \(bind: topupId.rawValue) AND lease_owner = \(bind: owner)
                AND status <> \(bind: OrderStatus.refunded.rawValue)
            RETURNING topup_id
            """
        ).all()
        return !rows.isEmpty
    }

    /// One pending delivery per channel, due now; returns their ids.
    public func insertDeliveries(
        _ topupId: TopupID, channels: [DeliveryChannel], purpose: DeliveryPurpose, now: Int64,
        in transaction: Transaction
    ) async throws -> [String] {
        var ids: [String] = []
        for channel in channels {
            let id = UUID().uuidString.lowercased()
            try await transaction.sql.raw(
                """
                INSERT INTO deliveries (id, topup_id, channel, purpose, state, attempts, created_at, updated_at, next_attempt_at)
                VALUES (\(bind: id), \(bind: topupId.rawValue), \(bind: channel.rawValue), \(bind: purpose.rawValue),
                    \(bind: DeliveryState.pending.rawValue), 0, \(bind: now), \(bind: now), \(bind: now))
                """
            ).run()
            ids.append(id)
        }
        return ids
    }

    public func restartTracking(_ topupId: TopupID, now: Int64, in transaction: Transaction) async throws -> Bool {
        try await transaction.sql.raw(
            """
            UPDATE orders SET status = \(bind: OrderStatus.handling.rawValue), next_check_at = \(bind: now),
                check_count = 0, tracked_since = \(bind: now), updated_at = \(bind: now)
            WHERE topup_id = \(bind: topupId.rawValue) AND status = \(bind: OrderStatus.unknownUpstream.rawValue)
            RETURNING topup_id
            """
        ).all().isEmpty == false
    }

    // MARK: - Delay notices

    public func dueDelayNotices(queuedBefore: Int64, limit: Int) async throws -> [OrderRecord] {
        try await store.sql.raw(
            """
            SELECT \(unsafeRaw: OrderRecord.columns) FROM orders
            WHERE status = \(bind: OrderStatus.queued.rawValue) AND queued_at <= \(bind: queuedBefore)
                AND delay_noticed_at IS NULL
            ORDER BY queued_at LIMIT \(bind: limit)
            """
        ).all().map { try OrderRecord(row: $0, contacts: store.contacts) }
    }

    public func markDelayNoticed(_ topupId: TopupID, now: Int64, in transaction: Transaction) async throws -> Bool {
        try await transaction.sql.raw(
            """
            UPDATE orders SET delay_noticed_at = \(bind: now), updated_at = \(bind: now)
            WHERE topup_id = \(bind: topupId.rawValue) AND status = \(bind: OrderStatus.queued.rawValue)
                AND delay_noticed_at IS NULL
            RETURNING topup_id
            """
        ).all().isEmpty == false
    }

    // MARK: - Delivering

    // The deliverer's statements are hot (``HotStatement``): kept prepared, and on SQLite read on the
    // calling thread and written by the writer of Bitaqa's own.

    public func delivery(_ id: String) async throws -> DeliveryRecord? {
        try await store.hotRows(DeliveryByID.self, [.text(id)]) { try DeliveryRecord(cells: $0) }.first
    }

    /// Shows that an attempt is under way (`sending`).
    public func markSending(_ id: String, owner: String, now: Int64) async throws {
        _ = try await store.hotWrite(MarkSending.self, [.integer(now), .text(id), .text(owner)]) { _ in () }
    }

    /// The attempt succeeded; inside the caller's transaction, with its audit event.
    public func markDelivered(
        _ id: String, owner: String, providerMessageID: String?, now: Int64, in transaction: Transaction
    ) async throws -> Bool {
        let values: [DirectValue] = [
            providerMessageID.map(DirectValue.text) ?? .null, .integer(now), .text(id), .text(owner),
        ]
        return try await !transaction.hotRows(MarkDelivered.self, values) { _ in () }.isEmpty
    }

    /// A temporary failure: back to `pending`, due again at `nextAttemptAt`.
    public func markRetry(_ id: String, owner: String, error: String, nextAttemptAt: Int64, now: Int64) async throws
        -> Bool
    {
        let values: [DirectValue] = [.text(error), .integer(nextAttemptAt), .integer(now), .text(id), .text(owner)]
        return try await !store.hotWrite(MarkRetry.self, values) { _ in () }.isEmpty
    }

    /// A permanent failure, or too many attempts; inside the caller's transaction, with its audit event.
    public func markFailed(_ id: String, owner: String, error: String, now: Int64, in transaction: Transaction)
        async throws -> Bool
    {
        let rows = try await transaction.sql.raw(
            """
            UPDATE deliveries SET state = \(bind: DeliveryState.failed.rawValue), attempts = attempts + 1,
                last_error = \(bind: error), next_attempt_at = NULL, updated_at = \(bind: now),
                lease_owner = NULL, lease_until = NULL
            WHERE id = \(bind: id) AND lease_owner = \(bind: owner) RETURNING id
            """
        ).all()
        return !rows.isEmpty
    }

    /// How much work waits: orders due for a check and deliveries due for an attempt.
    public func queueDepth(now: Int64) async throws -> (checks: Int, deliveries: Int) {
        let checks =
            try await store.sql.raw(
                "SELECT COUNT(*) AS n FROM orders WHERE next_check_at IS NOT NULL AND next_check_at <= \(bind: now)"
            ).first()?.decode(column: "n", as: Int.self) ?? 0
        let deliveries =
            try await store.sql.raw(
                "SELECT COUNT(*) AS n FROM deliveries WHERE next_attempt_at IS NOT NULL AND next_attempt_at <= \(bind: now)"
            ).first()?.decode(column: "n", as: Int.self) ?? 0
        return (checks, deliveries)
    }

    /// When the order's card was first seen fulfilled.
    public func fulfilledAt(_ topupId: TopupID) async throws -> Int64? {
        try await store.hotRows(FulfilledAt.self, [.text(topupId.rawValue)]) { try $0.integer(0) }.first ?? nil
    }
}

private enum DeliveryByID: HotStatement {
    static let sql = "SELECT \(DeliveryRecord.columns) FROM deliveries WHERE id = $1"
}

private enum MarkSending: HotStatement {
    static let sql = "UPDATE deliveries SET state = 'sending', updated_at = $1 WHERE id = $2 AND lease_owner = $3"
}

private enum MarkDelivered: HotStatement {
    static let sql = """
        UPDATE deliveries SET state = 'delivered', attempts = attempts + 1, provider_message_id = $1, delivered_at = $2,
            last_error = NULL, next_attempt_at = NULL, updated_at = $2, lease_owner = NULL, lease_until = NULL
        WHERE id = $3 AND lease_owner = $4 RETURNING id
        """
}

private enum MarkRetry: HotStatement {
    static let sql = """
        UPDATE deliveries SET state = 'pending', attempts = attempts + 1, last_error = $1, next_attempt_at = $2,
            updated_at = $3, lease_owner = NULL, lease_until = NULL
        WHERE id = $4 AND lease_owner = $5 RETURNING id
        """
}

private enum FulfilledAt: HotStatement {
    static let sql = "SELECT fulfilled_at FROM orders WHERE topup_id = $1"
}
