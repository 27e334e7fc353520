import BitaqaCore
import Orders

/// Gift-card orders in memory: the order row in `orders` (as in Storage), the details and the cards
/// beside it, every change conditional on the state it leaves.
public struct MemoryGiftCardRepository: GiftCardRepository {
    let database: MemoryDatabase

    public init(database: MemoryDatabase) {
        self.database = database
    }

    static func order(_ ref: String, in tables: MemoryTables) -> GiftCardOrder? {
        guard let details = tables.giftCardOrders[ref], let key = GiftCardKey.key(for: ref),
            let row = tables.orders[key.rawValue]
        else { return nil }
        return GiftCardOrder(order: row.record, details: details)
    }

    public func insert(
        _ order: NewGiftCardOrder, status: OrderStatus, orderId: String?, binding: ContactBinding?, nextCheckAt: Int64,
        now: Int64, in transaction: Transaction
    ) async throws -> GiftCardInsertOutcome {
        try database.write(in: transaction) { tables in
            guard let key = GiftCardKey.key(for: order.ref) else { return .conflict }
            if let stored = Self.order(order.ref, in: tables) {
                return stored.order.fingerprint == order.fingerprint ? .existing(stored) : .conflict
            }
            let refTaken = tables.orders.values.contains { $0.record.topupRef == order.ref }
            if refTaken || tables.orders[key.rawValue] != nil { return .conflict }
            var record = OrderRecord(
                topupId: key, userId: order.userId, locale: order.locale, status: status, channels: order.channels,
                fingerprint: order.fingerprint, createdAt: now, updatedAt: now)
            record.topupRef = order.ref
            record.email = order.email
            record.phone = order.phone
            record.contactBinding = order.contactBinding
            record.productLine = .giftCard
            tables.orders[key.rawValue] = OrderRow(record: record)
            var details = GiftCardDetails(
                ref: order.ref, orderId: orderId, productId: order.productId, productTitle: order.productTitle,
                typeId: order.typeId, typeName: order.typeName, quantity: order.quantity)
            details.pricePerCard = order.pricePerCard
            details.nextCheckAt = nextCheckAt
            details.orderBinding = binding
            tables.giftCardOrders[order.ref] = details
            return .created(GiftCardOrder(order: record, details: details))
        }
    }

    public func find(ref: String) async throws -> GiftCardOrder? {
        try database.read { Self.order(ref, in: $0) }
    }

    public func find(orderId: String) async throws -> GiftCardOrder? {
        try database.read { tables in
            tables.giftCardOrders.values.first { $0.orderId == orderId }.flatMap { Self.order($0.ref, in: tables) }
        }
    }

    public func knownOrderIds(_ orderIds: [String]) async throws -> Set<String> {
        try database.read { tables in
            Set(tables.giftCardOrders.values.compactMap(\.orderId)).intersection(orderIds)
        }
    }

    /// Moves the order row from one of `from` to `to`; false when it was in none of them.
    private static func move(
        _ ref: String, from: Set<OrderStatus>, to: OrderStatus, now: Int64, in tables: inout MemoryTables
    )
        -> Bool
    {
        guard let key = GiftCardKey.key(for: ref)?.rawValue, var row = tables.orders[key],
            from.contains(row.record.status)
        else { return false }
        row.record.status = to
        row.record.updatedAt = now
        tables.orders[key] = row
        return true
    }

    public func rebind(ref: String, expected: ContactBinding, with binding: ContactBinding) async throws -> Bool {
        try await database.write { tables in
            guard tables.giftCardOrders[ref]?.orderBinding == expected else { return false }
            tables.giftCardOrders[ref]?.orderBinding = binding
            return true
        }
    }

    public func recordPlaced(
        ref: String, orderId: String, binding: ContactBinding, nextCheckAt: Int64, now: Int64,
        in transaction: Transaction
    ) async throws -> Bool {
        try database.write(in: transaction) { tables in
            guard !tables.giftCardOrders.values.contains(where: { $0.orderId == orderId }),
                Self.move(ref, from: [.placing, .uncertain], to: .handling, now: now, in: &tables)
            else { return false }
            tables.giftCardOrders[ref]?.orderId = orderId
            tables.giftCardOrders[ref]?.orderBinding = binding
            tables.giftCardOrders[ref]?.nextCheckAt = nextCheckAt
            tables.giftCardOrders[ref]?.candidates = []
            return true
        }
    }

    public func recordPlaceAttempt(ref: String, at: Int64, nextCheckAt: Int64, in transaction: Transaction)
        async throws
    {
        try database.write(in: transaction) { tables in
            tables.giftCardOrders[ref]?.placeAttemptedAt = at
            tables.giftCardOrders[ref]?.nextCheckAt = nextCheckAt
        }
    }

    public func recordUnresolved(
        ref: String, status: OrderStatus, candidates: [GiftCardCandidate], now: Int64, in transaction: Transaction
    ) async throws -> Bool {
        try database.write(in: transaction) { tables in
            guard Self.move(ref, from: [.placing], to: status, now: now, in: &tables) else { return false }
            tables.giftCardOrders[ref]?.nextCheckAt = nil
            tables.giftCardOrders[ref]?.candidates = candidates
            return true
        }
    }

    public func due(now: Int64, limit: Int) async throws -> [GiftCardOrder] {
        try database.read { tables in
            tables.giftCardOrders.values.filter { ($0.nextCheckAt ?? .max) <= now }
                .sorted { ($0.nextCheckAt ?? 0) < ($1.nextCheckAt ?? 0) }.prefix(max(0, limit))
                .compactMap { Self.order($0.ref, in: tables) }
        }
    }

    public func pending(limit: Int) async throws -> [GiftCardOrder] {
        try database.read { tables in
            tables.giftCardOrders.keys.compactMap { Self.order($0, in: tables) }
                .filter { [.placing, .handling, .uncertain].contains($0.status) }
                .sorted { $0.order.createdAt < $1.order.createdAt }.prefix(max(0, limit)).map { $0 }
        }
    }

    public func recordCheck(ref: String, nextCheckAt: Int64?, now: Int64) async throws {
        try await database.write { tables in
            tables.giftCardOrders[ref]?.nextCheckAt = nextCheckAt
            tables.giftCardOrders[ref]?.checkCount += 1
            if let key = GiftCardKey.key(for: ref)?.rawValue { tables.orders[key]?.record.lastCheckedAt = now }
        }
    }

    public func recordOutcome(ref: String, _ outcome: GiftCardOutcome, now: Int64, in transaction: Transaction)
        async throws -> Bool
    {
        try database.write(in: transaction) { tables in
            guard Self.move(ref, from: [.handling], to: outcome.status, now: now, in: &tables) else { return false }
            if let key = GiftCardKey.key(for: ref)?.rawValue { tables.orders[key]?.record.lastCheckedAt = now }
            tables.giftCardOrders[ref]?.fulfilledQuantity = outcome.fulfilledQuantity
            if let price = outcome.pricePerCard { tables.giftCardOrders[ref]?.pricePerCard = price }
            tables.giftCardOrders[ref]?.nextCheckAt = nil
            tables.giftCardOrders[ref]?.checkCount += 1
            tables.giftCards[ref] = outcome.cards.sorted { $0.position < $1.position }
            return true
        }
    }

    public func search(_ search: GiftCardSearch) async throws -> [GiftCardOrder] {
        try database.read { tables in
            let phone = search.text.flatMap(ContactRules.normalisedAlgerianPhone) ?? search.text
            let matching = tables.giftCardOrders.keys.compactMap { Self.order($0, in: tables) }.filter { order in
                if let status = search.status, order.status != status { return false }
                if let userId = search.userId, order.order.userId != userId { return false }
                if let text = search.text {
                    let found =
                        order.details.ref == text || order.details.orderId == text
                        || order.order.email?.lowercased() == text.lowercased() || order.order.phone == phone
                    if !found { return false }
                }
                if let after = search.after {
                    let created = order.order.createdAt
                    return created < after.createdAt || (created == after.createdAt && order.details.ref < after.ref)
                }
                return true
            }
            return Array(
                matching.sorted {
                    $0.order.createdAt == $1.order.createdAt
                        ? $0.details.ref > $1.details.ref : $0.order.createdAt > $1.order.createdAt
                }.prefix(max(0, search.limit)))
        }
    }

    public func cards(ofRef ref: String) async throws -> [SealedGiftCard] {
        try database.read { $0.giftCards[ref] ?? [] }
    }

    public func cards(
        notUnder keyID: String, after cursor: (ref: String, position: Int)?, limit: Int, in transaction: Transaction
    ) async throws -> [(order: GiftCardOrder, card: SealedGiftCard)] {
        try database.read(in: transaction) { tables in
            var found: [(ref: String, card: SealedGiftCard)] = []
            for (ref, cards) in tables.giftCards {
                for card in cards where card.keyID != keyID {
                    if let cursor, ref < cursor.ref || (ref == cursor.ref && card.position <= cursor.position) {
                        continue
                    }
                    found.append((ref, card))
                }
            }
            found.sort { $0.ref == $1.ref ? $0.card.position < $1.card.position : $0.ref < $1.ref }
            var result: [(order: GiftCardOrder, card: SealedGiftCard)] = []
            for entry in found.prefix(max(0, limit)) {
                if let order = Self.order(entry.ref, in: tables) { result.append((order, entry.card)) }
            }
            return result
        }
    }

    public func countByKey() async throws -> [String: Int] {
        try database.read { tables in
            tables.giftCards.values.joined().reduce(into: [:]) { counts, card in counts[card.keyID, default: 0] += 1 }
        }
    }

    public func replace(
        ref: String, position: Int, expected: [UInt8], with card: SealedGiftCard, in transaction: Transaction
    ) async throws -> Bool {
        try database.write(in: transaction) { tables in
            guard let index = tables.giftCards[ref]?.firstIndex(where: { $0.position == position }),
                tables.giftCards[ref]?[index].code == expected
            else { return false }
            tables.giftCards[ref]?[index] = card
            return true
        }
    }
}
