import BitaqaCore
import Orders
import SQLKit

/// The one implementation, in SQL that both SQLite and PostgreSQL accept.
public struct SQLOrderRepository: OrderRepository {
    let store: Store

    public init(store: Store) {
        self.store = store
    }

    /// Registers in a transaction of its own.
    public func register(_ order: NewOrder, now: Int64, firstCheckAt: Int64) async throws -> RegistrationOutcome {
        try await store.transaction { transaction in
            try await register(order, now: now, firstCheckAt: firstCheckAt, in: transaction)
        }
    }

    public func register(_ order: NewOrder, now: Int64, firstCheckAt: Int64, in transaction: Transaction) async throws
        -> RegistrationOutcome
    {
        let sql = transaction.sql
        let contacts = try ContactColumns(
            email: order.email, phone: order.phone, orderKey: order.topupId.rawValue, userId: order.userId,
            seal: store.contacts)
        let inserted = try await sql.raw(
            """
            INSERT INTO orders (topup_id, topup_ref, user_id, card_type, number, value,
                \(unsafeRaw: ContactColumns.names), locale,
                channels, fingerprint, status, created_at, updated_at, next_check_at, check_count,
                contact_mac, contact_key_id)
            VALUES (\(bind: order.topupId.rawValue), \(bind: order.topupRef), \(bind: order.userId.rawValue),
                \(bind: order.cardType?.rawValue), \(bind: order.number), \(bind: order.value),
            """ + contacts.values
                + """
                    , \(bind: order.locale.rawValue),
                    \(bind: ChannelList.encode(order.channels)), \(bind: order.fingerprint),
                    \(bind: OrderStatus.handling.rawValue), \(bind: now), \(bind: now), \(bind: firstCheckAt), 0,
                    \(bind: order.contactBinding?.mac), \(bind: order.contactBinding?.keyID))
                ON CONFLICT DO NOTHING
                RETURNING topup_id
                """
        ).all()
        let stored = try await select(sql, where: "topup_id = \(bind: order.topupId.rawValue)")
        guard let stored else { return .refTaken }
        if !inserted.isEmpty { return .created(stored) }
        return stored.fingerprint == order.fingerprint ? .existing(stored) : .conflict(stored)
    }

    public func find(_ topupId: TopupID) async throws -> OrderRecord? {
        try await store.hotRows(OrderByKey.self, [.text(topupId.rawValue)]) {
            try OrderRecord(cells: $0, contacts: store.contacts)
        }.first
    }

    public func orders(createdFrom from: Int64, to: Int64) async throws -> [OrderRecord] {
        try await store.sql.raw(
            """
            SELECT \(unsafeRaw: OrderRecord.columns) FROM orders
            WHERE created_at >= \(bind: from) AND created_at <= \(bind: to) ORDER BY created_at
            """
        ).all().map { try OrderRecord(row: $0, contacts: store.contacts) }
    }

    public func deliveries(of topupIds: [TopupID]) async throws -> [TopupID: [DeliveryRecord]] {
        var found: [TopupID: [DeliveryRecord]] = [:]
        for start in stride(from: 0, to: topupIds.count, by: 500) {
            let slice = topupIds[start..<min(topupIds.count, start + 500)].map {
                $0.rawValue as any Encodable & Sendable
            }
            let query: SQLQueryString = """
                SELECT \(unsafeRaw: DeliveryRecord.columns) FROM deliveries WHERE topup_id IN (\(binds: slice))
                ORDER BY created_at, channel
                """
            let rows =
                store.kind == .postgres
                ? try await store.postgresRows(query) { try DeliveryRecord(cells: $0) }
                : try await store.sql.raw(query).all().map(DeliveryRecord.init(row:))
            for row in rows { found[row.topupId, default: []].append(row) }
        }
        return found
    }

    public func find(_ topupIds: [TopupID]) async throws -> [OrderRecord] {
        var found: [OrderRecord] = []
        // In slices, under every database's limit on bound parameters.
        for start in stride(from: 0, to: topupIds.count, by: 500) {
            let slice = topupIds[start..<min(topupIds.count, start + 500)].map {
                $0.rawValue as any Encodable & Sendable
            }
            found += try await store.sql.raw(
                "SELECT \(unsafeRaw: OrderRecord.columns) FROM orders WHERE topup_id IN (\(binds: slice))"
            ).all().map { try OrderRecord(row: $0, contacts: store.contacts) }
        }
        return found
    }

    /// The card view's read: a statement kept prepared, on SQLite run on this thread (``Store/hotRows``).
    /// The record has no `email` or `phone`: only the buyer's own views ask for it, and they show neither.
    public func find(_ topupId: TopupID, ownedBy userId: UserID) async throws -> OrderRecord? {
        try await store.hotRows(OwnedOrder.self, [.text(topupId.rawValue), .text(userId.rawValue)]) {
            try OrderRecord(cells: $0, contacts: store.contacts)
        }.first
    }

    public func orders(ownedBy userId: UserID, limit: Int = 100) async throws -> [OrderRecord] {
        try await store.sql.raw(
            """
            SELECT \(unsafeRaw: OrderRecord.columns) FROM orders WHERE user_id = \(bind: userId.rawValue)
            ORDER BY created_at DESC LIMIT \(bind: limit)
            """
        ).all().map { try OrderRecord(row: $0, contacts: store.contacts) }
    }

    public func deliveries(of topupId: TopupID) async throws -> [DeliveryRecord] {
        try await store.sql.raw(
            """
            SELECT \(unsafeRaw: DeliveryRecord.columns) FROM deliveries
            WHERE topup_id = \(bind: topupId.rawValue) ORDER BY created_at, channel
            """
        ).all().map(DeliveryRecord.init(row:))
    }

    public func updateContacts(
        _ topupId: TopupID, email: String?, phone: String?, binding: ContactBinding, now: Int64,
        in transaction: Transaction
    ) async throws -> OrderRecord? {
        guard let before = try await select(transaction.sql, where: "topup_id = \(bind: topupId.rawValue)") else {
            return nil
        }
        let contacts = try ContactColumns(
            email: email, phone: phone, orderKey: topupId.rawValue, userId: before.userId, seal: store.contacts)
        try await transaction.sql.raw(
            "UPDATE orders SET " + contacts.assignments
                + """
                , contact_mac = \(bind: binding.mac),
                    contact_key_id = \(bind: binding.keyID), updated_at = \(bind: now)
                WHERE topup_id = \(bind: topupId.rawValue)
                """
        ).run()
        return try await select(transaction.sql, where: "topup_id = \(bind: topupId.rawValue)")
    }

    public func ordersNotBound(under keyID: String, after cursor: String?, limit: Int, in transaction: Transaction)
        async throws -> [OrderRecord]
    {
        try await transaction.sql.raw(
            """
            SELECT \(unsafeRaw: OrderRecord.columns) FROM orders
            WHERE (contact_key_id IS NULL OR contact_key_id <> \(bind: keyID)) AND topup_id > \(bind: cursor ?? "")
            ORDER BY topup_id LIMIT \(bind: limit)
            """
        ).all().map { try OrderRecord(row: $0, contacts: store.contacts) }
    }

    public func rebind(
        _ topupId: TopupID, expected: ContactBinding?, with binding: ContactBinding, in transaction: Transaction
    ) async throws -> Bool {
        let guardClause: SQLQueryString =
            expected.map { "contact_mac = \(bind: $0.mac) AND contact_key_id = \(bind: $0.keyID)" }
            ?? "contact_mac IS NULL"
        let rows = try await transaction.sql.raw(
            SQLQueryString(
                "UPDATE orders SET contact_mac = \(bind: binding.mac), contact_key_id = \(bind: binding.keyID) ")
                + "WHERE topup_id = \(bind: topupId.rawValue) AND " + guardClause + " RETURNING topup_id"
        ).all()
        return !rows.isEmpty
    }

    func select(_ sql: any SQLDatabase, where condition: SQLQueryString) async throws -> OrderRecord? {
        let query = SQLQueryString("SELECT \(unsafeRaw: OrderRecord.columns) FROM orders WHERE ") + condition
        return try await sql.raw(query).first().map { try OrderRecord(row: $0, contacts: store.contacts) }
    }
}

private enum OrderByKey: HotStatement {
    static let sql = "SELECT \(OrderRecord.columns) FROM orders WHERE topup_id = $1"
}

/// The buyer's own order, without the buyer's contacts: a buyer's views never show them, so the card
/// view neither carries nor opens them (3.6 µs a view, `BENCHMARKS.md` §13).
private enum OwnedOrder: HotStatement {
    static let sql =
        "SELECT "
        + OrderRecord.columnNames.map { OrderRecord.contactColumns.contains($0) ? "NULL AS \($0)" : $0 }.joined(
            separator: ", ") + " FROM orders WHERE topup_id = $1 AND user_id = $2"
}
