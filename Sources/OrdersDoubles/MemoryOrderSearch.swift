import BitaqaCore
import Orders

extension MemoryOrderRepository {
    /// One page of the merchant's list, newest first, with the filters of Storage's `search`: the query
    /// matches an id, ref, number, email or phone exactly (a phone in either spelling), the delivery
    /// filter looks at card deliveries (`pending` includes `sending`), and the cursor is strict.
    public func search(_ search: OrderSearch) async throws -> [OrderRecord] {
        try database.read { tables in
            let states: Set<DeliveryState>? = search.delivery.map { $0 == .pending ? [.pending, .sending] : [$0] }
            let withDelivery: Set<TopupID>? = states.map { states in
                Set(
                    tables.deliveries.values.map(\.record).filter { $0.purpose == .card && states.contains($0.state) }
                        .map(\.topupId))
            }
            let phone = search.query.map { ContactRules.normalisedAlgerianPhone($0) ?? $0 }
            let matching = tables.orders.values.map(\.record).filter { order in
                if let status = search.status, order.status != status { return false }
                if let user = search.userId, order.userId != user { return false }
                if let from = search.from, order.createdAt < from { return false }
                if let to = search.to, order.createdAt > to { return false }
                if let text = search.query {
                    let fields = [order.topupId.rawValue, order.topupRef, order.number, order.email]
                    guard fields.contains(text) || order.phone == phone else { return false }
                }
                if let withDelivery, !withDelivery.contains(order.topupId) { return false }
                if let after = search.after,
                    !((order.createdAt, order.topupId.rawValue) < (after.createdAt, after.topupId))
                {
                    return false
                }
                return true
            }
            return Array(matching.sorted(by: Self.newestFirst).prefix(max(0, search.limit)))
        }
    }

    public func countsByStatus(since: Int64) async throws -> [OrderStatus: Int] {
        try database.read { tables in
            tables.orders.values.filter { $0.record.createdAt >= since }
                .reduce(into: [:]) { counts, row in counts[row.record.status, default: 0] += 1 }
        }
    }

    public func cardDeliveryCounts() async throws -> [DeliveryState: Int] {
        try database.read { tables in
            tables.deliveries.values.filter { $0.record.purpose == .card }
                .reduce(into: [:]) { counts, row in counts[row.record.state, default: 0] += 1 }
        }
    }
}
