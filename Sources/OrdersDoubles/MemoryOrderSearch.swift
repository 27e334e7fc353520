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
                if order.productLine != .internet { return false }
                if let status = search.status, order.status != status { return false }
                if let user = search.userId, order.userId != user { return false }
                if let type = search.type, order.cardType != type { return false }
                if let value = search.value, order.value != value { return false }
                if let from = search.from, order.createdAt < from { return false }
                if let to = search.to, order.createdAt > to { return false }
                if let text = search.query {
                    let fields = [
                        order.topupId.rawValue, order.topupRef, order.number, order.transactionNumber,
                        order.userId.rawValue,
                    ]
                    guard
                        fields.contains(text) || order.email?.lowercased() == text.lowercased() || order.phone == phone
                    else { return false }
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

extension MemoryOrderRepository {
    public func dailyFigures(from: Int64, to: Int64) async throws -> [DailyFigures] {
        try database.read { tables in
            var days: [Int64: DailyFigures] = [:]
            let cards = tables.deliveries.values.map(\.record).filter { $0.purpose == .card }
            for order in tables.orders.values.map(\.record) where order.createdAt >= from && order.createdAt <= to {
                let day = DailyFigures.day(of: order.createdAt)
                var figures = days[day] ?? DailyFigures(day: day, orders: 0, delivered: 0, failed: 0, faceValue: 0)
                let states = cards.filter { $0.topupId == order.topupId }.map(\.state)
                figures.orders += 1
                if states.contains(.delivered) { figures.delivered += 1 }
                if order.status == .refunded || (!states.isEmpty && states.allSatisfy { $0 == .failed }) {
                    figures.failed += 1
                }
                if order.status == .fulfilled { figures.faceValue += order.value ?? 0 }
                days[day] = figures
            }
            return days.values.sorted { $0.day < $1.day }
        }
    }
}

extension MemoryOrderRepository {
    public func addNote(_ note: OrderNote, in transaction: Transaction) async throws {
        try database.write(in: transaction) { tables in
            guard tables.orders[note.topupId.rawValue] != nil else {
                throw MemoryDatabaseError.missingReference(table: "order_notes", key: note.topupId.rawValue)
            }
            guard !tables.notes.contains(where: { $0.id == note.id }) else {
                throw MemoryDatabaseError.duplicateKey(table: "order_notes", key: note.id)
            }
            tables.notes.append(note)
        }
    }

    public func notes(of topupId: TopupID) async throws -> [OrderNote] {
        try database.read { tables in
            tables.notes.filter { $0.topupId == topupId }.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        }
    }
}
