import BitaqaCore
import Orders

/// Orders and their deliveries in memory, with the rules of Storage's `SQLOrderRepository`: the topupId
/// is the key, a `topupRef` belongs to one order at most, channels are kept in one fixed order without
/// repeats, and every guarded update changes a row only when its guard holds.
public struct MemoryOrderRepository: OrderRepository {
    let database: MemoryDatabase

    public init(database: MemoryDatabase) {
        self.database = database
    }

    public func register(_ order: NewOrder, now: Int64, firstCheckAt: Int64, in transaction: Transaction) async throws
        -> RegistrationOutcome
    {
        try database.write(in: transaction) { tables in
            // `INSERT … ON CONFLICT DO NOTHING`: the key first, then the unique ref.
            if let stored = tables.orders[order.topupId.rawValue]?.record {
                return stored.fingerprint == order.fingerprint ? .existing(stored) : .conflict(stored)
            }
            if let ref = order.topupRef, tables.orders.values.contains(where: { $0.record.topupRef == ref }) {
                return .refTaken
            }
            var record = OrderRecord(
                topupId: order.topupId, userId: order.userId, locale: order.locale, status: .handling,
                channels: Self.stored(order.channels), fingerprint: order.fingerprint, createdAt: now, updatedAt: now)
            record.topupRef = order.topupRef
            record.cardType = order.cardType
            record.number = order.number
            record.value = order.value
            record.email = order.email
            record.phone = order.phone
            record.nextCheckAt = firstCheckAt
            record.contactBinding = order.contactBinding
            tables.orders[order.topupId.rawValue] = OrderRow(record: record)
            return .created(record)
        }
    }

    public func find(_ topupId: TopupID) async throws -> OrderRecord? {
        try database.read { $0.orders[topupId.rawValue]?.record }
    }

    public func find(_ topupIds: [TopupID]) async throws -> [OrderRecord] {
        try database.read { tables in
            var seen: Set<String> = []
            return topupIds.compactMap { id in
                guard seen.insert(id.rawValue).inserted else { return nil }
                return tables.orders[id.rawValue]?.record
            }
        }
    }

    public func find(_ topupId: TopupID, ownedBy userId: UserID) async throws -> OrderRecord? {
        try database.read { tables in
            tables.orders[topupId.rawValue].map(\.record).flatMap { record -> OrderRecord? in
                guard record.userId == userId else { return nil }
                var owned = record
                owned.email = nil
                owned.phone = nil
                return owned
            }
        }
    }

    public func orders(ownedBy userId: UserID, limit: Int) async throws -> [OrderRecord] {
        try database.read { tables in
            Array(
                tables.orders.values.map(\.record).filter { $0.userId == userId }.sorted(by: Self.newestFirst)
                    .prefix(max(0, limit)))
        }
    }

    public func updateContacts(
        _ topupId: TopupID, email: String?, phone: String?, binding: ContactBinding, now: Int64,
        in transaction: Transaction
    ) async throws -> OrderRecord? {
        try database.write(in: transaction) { tables in
            guard var row = tables.orders[topupId.rawValue] else { return nil }
            row.record.email = email
            row.record.phone = phone
            row.record.contactBinding = binding
            row.record.updatedAt = now
            tables.orders[topupId.rawValue] = row
            return row.record
        }
    }

    public func ordersNotBound(under keyID: String, after cursor: String?, limit: Int, in transaction: Transaction)
        async throws -> [OrderRecord]
    {
        try database.read(in: transaction) { tables in
            Array(
                tables.orders.values.map(\.record)
                    .filter { $0.contactBinding?.keyID != keyID && $0.topupId.rawValue > (cursor ?? "") }
                    .sorted { $0.topupId.rawValue < $1.topupId.rawValue }
                    .prefix(max(0, limit)))
        }
    }

    public func rebind(
        _ topupId: TopupID, expected: ContactBinding?, with binding: ContactBinding, in transaction: Transaction
    ) async throws -> Bool {
        try database.write(in: transaction) { tables in
            guard var row = tables.orders[topupId.rawValue], row.record.contactBinding == expected else { return false }
            row.record.contactBinding = binding
            tables.orders[topupId.rawValue] = row
            return true
        }
    }

    public func deliveries(of topupId: TopupID) async throws -> [DeliveryRecord] {
        try database.read { tables in
            tables.deliveries.values.map(\.record).filter { $0.topupId == topupId }.sorted(by: Self.oldestFirst)
        }
    }

    public func deliveries(of topupIds: [TopupID]) async throws -> [TopupID: [DeliveryRecord]] {
        try database.read { tables in
            let wanted = Set(topupIds)
            return Dictionary(
                grouping: tables.deliveries.values.map(\.record).filter { wanted.contains($0.topupId) }
                    .sorted(by: Self.oldestFirst),
                by: \.topupId)
        }
    }

    public func orders(createdFrom from: Int64, to: Int64) async throws -> [OrderRecord] {
        try database.read { tables in
            tables.orders.values.map(\.record).filter { $0.createdAt >= from && $0.createdAt <= to }
                .sorted { ($0.createdAt, $0.topupId.rawValue) < ($1.createdAt, $1.topupId.rawValue) }
        }
    }

    public func eraseContacts(
        _ topupId: TopupID, expected: ContactBinding?, binding: ContactBinding, now: Int64,
        in transaction: Transaction
    ) async throws -> Bool {
        try database.write(in: transaction) { tables in
            guard var row = tables.orders[topupId.rawValue], row.record.contactBinding == expected else { return false }
            row.record.email = nil
            row.record.phone = nil
            row.record.contactBinding = binding
            row.record.contactsErasedAt = now
            tables.orders[topupId.rawValue] = row
            return true
        }
    }

    public func contactsDue(statuses: [OrderStatus], unchangedSince before: Int64, limit: Int) async throws
        -> [OrderRecord]
    {
        try database.read { tables in
            let waiting = Set(
                tables.deliveries.values.map(\.record).filter { $0.state == .pending || $0.state == .sending }
                    .map(\.topupId))
            return Array(
                tables.orders.values.map(\.record)
                    .filter {
                        statuses.contains($0.status) && $0.updatedAt < before && ($0.email != nil || $0.phone != nil)
                            && !waiting.contains($0.topupId)
                    }
                    .sorted { ($0.updatedAt, $0.topupId.rawValue) < ($1.updatedAt, $1.topupId.rawValue) }
                    .prefix(max(0, limit)))
        }
    }

    /// The memory doubles hold contacts as values, never sealed: nothing to seal.
    public func sealContacts(after cursor: String?, limit: Int, resealing: Bool, in transaction: Transaction)
        async throws -> ContactSealBatch
    {
        ContactSealBatch()
    }

    public func contactsToSeal() async throws -> Int { 0 }

    public func flushRemovedContacts() async throws {}

    /// Channels as Storage keeps them (a comma-separated list in a fixed order): each once, email first.
    static func stored(_ channels: [DeliveryChannel]) -> [DeliveryChannel] {
        DeliveryChannel.allCases.filter(channels.contains)
    }

    /// `ORDER BY created_at DESC, topup_id DESC`.
    static func newestFirst(_ left: OrderRecord, _ right: OrderRecord) -> Bool {
        (left.createdAt, left.topupId.rawValue) > (right.createdAt, right.topupId.rawValue)
    }

    /// `ORDER BY created_at, channel` (and the id, so equal rows keep one order).
    static func oldestFirst(_ left: DeliveryRecord, _ right: DeliveryRecord) -> Bool {
        (left.createdAt, left.channel.rawValue, left.id) < (right.createdAt, right.channel.rawValue, right.id)
    }
}
