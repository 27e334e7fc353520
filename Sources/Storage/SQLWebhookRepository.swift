import BitaqaCore
import Foundation
import Orders
import SQLKit

public struct SQLWebhookRepository: WebhookRepository {
    let store: Store

    public init(store: Store) {
        self.store = store
    }

    public func enqueue(_ message: NewWebhookMessage, now: Int64, in transaction: Transaction) async throws {
        try await transaction.sql.raw(
            """
            INSERT INTO webhook_messages
                (id, type, topup_id, body, mac, mac_key_id, state, attempts, created_at, next_attempt_at)
            VALUES (\(bind: message.id), \(bind: message.type), \(bind: message.topupId?.rawValue), \(bind: message.body),
                \(bind: message.mac), \(bind: message.macKeyID), \(bind: WebhookState.pending.rawValue), 0, \(bind: now),
                \(bind: now))
            """
        ).run()
    }

    public func orderFacts(_ topupId: TopupID, in transaction: Transaction) async throws -> WebhookOrderFacts? {
        guard
            let row = try await transaction.sql.raw(
                """
                SELECT o.topup_ref, o.user_id, o.product_line, o.status, g.order_id FROM orders o
                LEFT JOIN gift_card_orders g ON g.order_key = o.topup_id
                WHERE o.topup_id = \(bind: topupId.rawValue)
                """
            ).first()
        else { return nil }
        func optional(_ column: String) throws -> String? {
            try row.decodeNil(column: column) ? nil : try row.decode(column: column, as: String.self)
        }
        return WebhookOrderFacts(
            ref: try optional("topup_ref"), userId: try row.decode(column: "user_id", as: String.self),
            product: ProductLineID(rawValue: try row.decode(column: "product_line", as: String.self)),
            orderId: try optional("order_id"), status: try optional("status").flatMap(OrderStatus.init(rawValue:)))
    }

    public func message(_ id: String) async throws -> WebhookMessageRecord? {
        try await store.sql.raw(
            "SELECT \(unsafeRaw: WebhookMessageRecord.columns) FROM webhook_messages WHERE id = \(bind: id)"
        ).first().map(WebhookMessageRecord.init(row:))
    }

    public func recordAttempt(
        _ id: String, owner: String, state: WebhookState, status: Int?, error: String?, nextAttemptAt: Int64?,
        now: Int64
    ) async throws -> Bool {
        let delivered: Int64? = state == .delivered ? now : nil
        let rows = try await store.sql.raw(
            """
            UPDATE webhook_messages SET state = \(bind: state.rawValue), attempts = attempts + 1,
                last_status = \(bind: status), last_error = \(bind: error), next_attempt_at = \(bind: nextAttemptAt),
                delivered_at = \(bind: delivered), lease_owner = NULL, lease_until = NULL
            WHERE id = \(bind: id) AND lease_owner = \(bind: owner) RETURNING id
            """
        ).all()
        return !rows.isEmpty
    }

    public func messages(state: WebhookState?, limit: Int, after cursor: String?) async throws
        -> [WebhookMessageRecord]
    {
        var query = SQLQueryString(
            "SELECT \(unsafeRaw: WebhookMessageRecord.columns) FROM webhook_messages WHERE 1 = 1")
        if let state { query = query + " AND state = \(bind: state.rawValue)" }
        if let cursor {
            query =
                query
                + " AND (created_at, id) < (SELECT created_at, id FROM webhook_messages WHERE id = \(bind: cursor))"
        }
        query = query + " ORDER BY created_at DESC, id DESC LIMIT \(bind: limit)"
        return try await store.sql.raw(query).all().map(WebhookMessageRecord.init(row:))
    }

    public func retry(_ id: String, now: Int64) async throws -> Bool {
        let rows = try await store.sql.raw(
            """
            UPDATE webhook_messages SET state = \(bind: WebhookState.pending.rawValue), next_attempt_at = \(bind: now)
            WHERE id = \(bind: id) AND state <> \(bind: WebhookState.delivered.rawValue) RETURNING id
            """
        ).all()
        return !rows.isEmpty
    }

    public func unreportedStuck(handlingBefore: Int64, queuedBefore: Int64, limit: Int) async throws
        -> [OrderRecord]
    {
        try await store.sql.raw(
            """
            SELECT \(unsafeRaw: OrderRecord.columns) FROM orders WHERE stuck_notified_at IS NULL AND (
                (status = \(bind: OrderStatus.handling.rawValue) AND created_at < \(bind: handlingBefore))
                OR (status = \(bind: OrderStatus.queued.rawValue) AND created_at < \(bind: queuedBefore)))
            ORDER BY created_at LIMIT \(bind: limit)
            """
        ).all().map { try OrderRecord(row: $0, contacts: store.contacts) }
    }

    public func markStuckReported(_ topupId: TopupID, now: Int64, in transaction: Transaction) async throws -> Bool {
        let rows = try await transaction.sql.raw(
            """
            UPDATE orders SET stuck_notified_at = \(bind: now)
            WHERE topup_id = \(bind: topupId.rawValue) AND stuck_notified_at IS NULL RETURNING topup_id
            """
        ).all()
        return !rows.isEmpty
    }

    public func counts() async throws -> [WebhookState: Int] {
        let rows = try await store.sql.raw("SELECT state, COUNT(*) AS n FROM webhook_messages GROUP BY state").all()
        var counts: [WebhookState: Int] = [:]
        for row in rows {
            if let state = WebhookState(rawValue: try row.decode(column: "state", as: String.self)) {
                counts[state] = try row.decode(column: "n", as: Int.self)
            }
        }
        return counts
    }
}
