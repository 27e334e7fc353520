import BitaqaCore
import Foundation
import Orders
import SQLKit

extension SQLOrderRepository {
    /// One page of orders, newest first.
    public func search(_ search: OrderSearch) async throws -> [OrderRecord] {
        var query = SQLQueryString("SELECT \(unsafeRaw: OrderRecord.columns) FROM orders WHERE 1 = 1")
        if let status = search.status { query = query + " AND status = \(bind: status.rawValue)" }
        if let user = search.userId { query = query + " AND user_id = \(bind: user.rawValue)" }
        if let from = search.from { query = query + " AND created_at >= \(bind: from)" }
        if let to = search.to { query = query + " AND created_at <= \(bind: to)" }
        if let text = search.query {
            // Each alternative is an indexed equality, so the planner unions index lookups.
            query =
                query
                + " AND (topup_id = \(bind: text) OR topup_ref = \(bind: text) OR number = \(bind: text)"
                + " OR email = \(bind: text) OR phone = \(bind: ContactRules.normalisedAlgerianPhone(text) ?? text))"
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
        return try await store.sql.raw(query).all().map(OrderRecord.init(row:))
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
