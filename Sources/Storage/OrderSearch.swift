import BitaqaCore
import Foundation
import Orders
import SQLKit

extension SQLOrderRepository {
    /// One page of orders, newest first.
    public func search(_ search: OrderSearch) async throws -> [OrderRecord] {
        // Top-ups only: gift-card orders have their own list (`GiftCardRepository.search`).
        var query = SQLQueryString(
            "SELECT \(unsafeRaw: OrderRecord.columns) FROM orders WHERE product_line = 'internet'")
        if let status = search.status { query = query + " AND status = \(bind: status.rawValue)" }
        if let user = search.userId { query = query + " AND user_id = \(bind: user.rawValue)" }
        if let type = search.type { query = query + " AND card_type = \(bind: type.rawValue)" }
        if let value = search.value { query = query + " AND value = \(bind: value)" }
        if let from = search.from { query = query + " AND created_at >= \(bind: from)" }
        if let to = search.to { query = query + " AND created_at <= \(bind: to)" }
        if let text = search.query {
            // Each alternative is an indexed equality, so the planner unions index lookups.
            query =
                query
                + " AND (topup_id = \(bind: text) OR topup_ref = \(bind: text) OR number = \(bind: text)"
                + " OR transaction_number = \(bind: text) OR user_id = \(bind: text) OR "
                + ContactColumns.matching(text, seal: store.contacts) + ")"
        }
        if let delivery = search.delivery {
            let states = delivery == .pending ? [DeliveryState.pending, .sending] : [delivery]
            query =
                query
                + " AND topup_id IN (SELECT topup_id FROM deliveries WHERE purpose = 'card' AND state IN ("
                + "\(binds: states.map { $0.rawValue as any Encodable & Sendable })))"
        }
        if let after = search.after {
            query =
                query
                + " AND (created_at < \(bind: after.createdAt) OR (created_at = \(bind: after.createdAt)"
                + " AND topup_id < \(bind: after.topupId)))"
        }
        query = query + " ORDER BY created_at DESC, topup_id DESC LIMIT \(bind: search.limit)"
        if store.kind == .postgres {
            return try await store.postgresRows(query) { try OrderRecord(cells: $0, contacts: store.contacts) }
        }
        return try await store.sql.raw(query).all().map { try OrderRecord(row: $0, contacts: store.contacts) }
    }
}

extension SQLOrderRepository {
    /// Orders registered since `since`, per status.
    public func countsByStatus(since: Int64) async throws -> [OrderStatus: Int] {
        let rows = try await store.sql.raw(
            "SELECT status, COUNT(*) AS n FROM orders WHERE created_at >= \(bind: since) GROUP BY status"
        ).all()
        var counts: [OrderStatus: Int] = [:]
        for row in rows {
            if let status = OrderStatus(rawValue: try row.decode(column: "status", as: String.self)) {
                counts[status] = try row.decode(column: "n", as: Int.self)
            }
        }
        return counts
    }

    /// Card deliveries per state.
    public func cardDeliveryCounts() async throws -> [DeliveryState: Int] {
        let rows = try await store.sql.raw(
            "SELECT state, COUNT(*) AS n FROM deliveries WHERE purpose = 'card' GROUP BY state"
        ).all()
        var counts: [DeliveryState: Int] = [:]
        for row in rows {
            if let state = DeliveryState(rawValue: try row.decode(column: "state", as: String.self)) {
                counts[state] = try row.decode(column: "n", as: Int.self)
            }
        }
        return counts
    }
}

extension SQLOrderRepository {
    /// Per Algiers day: orders, delivered (a card delivery delivered), failed (refunded, or card
    /// deliveries that all failed), face value of the fulfilled ones.
    public func dailyFigures(from: Int64, to: Int64) async throws -> [DailyFigures] {
        func card(_ condition: String) -> String {
            "EXISTS (SELECT 1 FROM deliveries d WHERE d.topup_id = o.topup_id AND d.purpose = 'card' AND \(condition))"
        }
        let delivered = card("d.state = 'delivered'")
        let failed = "o.status = 'REFUNDED' OR (\(card("d.state = 'failed'")) AND NOT \(card("d.state <> 'failed'")))"
        let day = "(o.created_at + \(DailyFigures.algiersOffset)) / \(DailyFigures.dayMillis)"
        let rows = try await store.sql.raw(
            """
            SELECT \(unsafeRaw: day) AS day, CAST(COUNT(*) AS BIGINT) AS orders,
                CAST(SUM(CASE WHEN \(unsafeRaw: delivered) THEN 1 ELSE 0 END) AS BIGINT) AS delivered,
                CAST(SUM(CASE WHEN \(unsafeRaw: failed) THEN 1 ELSE 0 END) AS BIGINT) AS failed,
                CAST(SUM(CASE WHEN o.status = 'FULFILLED' THEN COALESCE(o.value, 0) ELSE 0 END) AS BIGINT) AS face
            FROM orders o
            WHERE o.created_at >= \(bind: from) AND o.created_at <= \(bind: to)
            GROUP BY \(unsafeRaw: day) ORDER BY 1
            """
        ).all()
        return try rows.map { row in
            DailyFigures(
                day: try row.decode(column: "day", as: Int64.self),
                orders: try row.decode(column: "orders", as: Int.self),
                delivered: try row.decode(column: "delivered", as: Int.self),
                failed: try row.decode(column: "failed", as: Int.self),
                faceValue: try row.decode(column: "face", as: Int.self))
        }
    }
}

extension SQLOrderRepository {
    public func addNote(_ note: OrderNote, in transaction: Transaction) async throws {
        try await transaction.sql.raw(
            """
            INSERT INTO order_notes (id, topup_id, author, body, created_at)
            VALUES (\(bind: note.id), \(bind: note.topupId.rawValue), \(bind: note.author), \(bind: note.text),
                \(bind: note.createdAt))
            """
        ).run()
    }

    public func notes(of topupId: TopupID) async throws -> [OrderNote] {
        try await store.sql.raw(
            """
            SELECT id, author, body, created_at FROM order_notes WHERE topup_id = \(bind: topupId.rawValue)
            ORDER BY created_at, id
            """
        ).all().map { row in
            OrderNote(
                id: try row.decode(column: "id", as: String.self), topupId: topupId,
                author: try row.decode(column: "author", as: String.self),
                text: try row.decode(column: "body", as: String.self),
                createdAt: try row.decode(column: "created_at", as: Int64.self))
        }
    }
}
