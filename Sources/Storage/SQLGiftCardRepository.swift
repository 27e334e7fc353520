import BitaqaCore
import Foundation
import Orders
import SQLKit

/// The one implementation, in SQL both databases accept. An order's common fields are its `orders` row;
/// the rest is in `gift_card_orders` and `gift_cards`, joined by the ref.
public struct SQLGiftCardRepository: GiftCardRepository {
    let store: Store

    public init(store: Store) {
        self.store = store
    }

    public func insert(
        _ order: NewGiftCardOrder, status: OrderStatus, orderId: String?, binding: ContactBinding?, nextCheckAt: Int64,
        now: Int64, in transaction: Transaction
    ) async throws -> GiftCardInsertOutcome {
        guard let key = GiftCardKey.key(for: order.ref) else { return .conflict }
        let sql = transaction.sql
        let contacts = try ContactColumns(
            email: order.email, phone: order.phone, orderKey: key.rawValue, userId: order.userId, seal: store.contacts)
        let inserted = try await sql.raw(
            """
            INSERT INTO orders (topup_id, topup_ref, user_id, \(unsafeRaw: ContactColumns.names), locale, channels,
                fingerprint, status, created_at, updated_at, check_count, contact_mac, contact_key_id, product_line)
            VALUES (\(bind: key.rawValue), \(bind: order.ref), \(bind: order.userId.rawValue),
            """
                + contacts.values
                    + """
                    , \(bind: order.locale.rawValue), \(bind: ChannelList.encode(order.channels)),
                        \(bind: order.fingerprint), \(bind: status.rawValue), \(bind: now), \(bind: now), 0,
                        \(bind: order.contactBinding?.mac), \(bind: order.contactBinding?.keyID),
                        \(bind: ProductLineID.giftCard.rawValue))
                    ON CONFLICT DO NOTHING
                    RETURNING topup_id
                    """
        ).all()
        if inserted.isEmpty {
            guard let stored = try await select(sql, where: "g.ref = \(bind: order.ref)") else { return .conflict }
            return stored.order.fingerprint == order.fingerprint ? .existing(stored) : .conflict
        }
        try await sql.raw(
            """
            INSERT INTO gift_card_orders (ref, order_key, order_id, product_id, product_title, type_id, type_name,
                quantity, price_per_card, next_check_at, check_count, order_mac, order_mac_key_id)
            VALUES (\(bind: order.ref), \(bind: key.rawValue), \(bind: orderId), \(bind: order.productId),
                \(bind: order.productTitle), \(bind: order.typeId), \(bind: order.typeName), \(bind: order.quantity),
                \(bind: order.pricePerCard), \(bind: nextCheckAt), 0, \(bind: binding?.mac), \(bind: binding?.keyID))
            """
        ).run()
        guard let stored = try await select(sql, where: "g.ref = \(bind: order.ref)") else { return .conflict }
        return .created(stored)
    }

    public func find(ref: String) async throws -> GiftCardOrder? {
        try await select(store.sql, where: "g.ref = \(bind: ref)")
    }

    public func find(orderId: String) async throws -> GiftCardOrder? {
        try await select(store.sql, where: "g.order_id = \(bind: orderId)")
    }

    public func knownOrderIds(_ orderIds: [String]) async throws -> Set<String> {
        guard !orderIds.isEmpty else { return [] }
        let rows = try await store.sql.raw(
            "SELECT order_id FROM gift_card_orders WHERE order_id IN (\(binds: orderIds))"
        ).all()
        return Set(try rows.map { try $0.decode(column: "order_id", as: String.self) })
    }

    public func recordPlaced(
        ref: String, orderId: String, binding: ContactBinding, nextCheckAt: Int64, now: Int64,
        in transaction: Transaction
    ) async throws -> Bool {
        let sql = transaction.sql
        let taken = try await sql.raw("SELECT ref FROM gift_card_orders WHERE order_id = \(bind: orderId)").all()
        guard taken.isEmpty else { return false }
        let moved = try await sql.raw(
            """
            UPDATE orders SET status = \(bind: OrderStatus.handling.rawValue), updated_at = \(bind: now)
            WHERE topup_id = (SELECT order_key FROM gift_card_orders WHERE ref = \(bind: ref))
                AND status IN (\(bind: OrderStatus.placing.rawValue), \(bind: OrderStatus.uncertain.rawValue))
            RETURNING topup_id
            """
        ).all()
        guard !moved.isEmpty else { return false }
        try await sql.raw(
            """
            UPDATE gift_card_orders SET order_id = \(bind: orderId), next_check_at = \(bind: nextCheckAt),
                candidates = NULL, order_mac = \(bind: binding.mac), order_mac_key_id = \(bind: binding.keyID)
            WHERE ref = \(bind: ref)
            """
        ).run()
        return true
    }

    public func rebind(ref: String, expected: ContactBinding, with binding: ContactBinding) async throws -> Bool {
        let rows = try await store.sql.raw(
            """
            UPDATE gift_card_orders SET order_mac = \(bind: binding.mac), order_mac_key_id = \(bind: binding.keyID)
            WHERE ref = \(bind: ref) AND order_mac = \(bind: expected.mac)
            RETURNING ref
            """
        ).all()
        return !rows.isEmpty
    }

    public func recordPlaceAttempt(ref: String, at: Int64, nextCheckAt: Int64, in transaction: Transaction)
        async throws
    {
        try await transaction.sql.raw(
            """
            UPDATE gift_card_orders SET place_attempted_at = \(bind: at), next_check_at = \(bind: nextCheckAt)
            WHERE ref = \(bind: ref)
            """
        ).run()
    }

    public func recordUnresolved(
        ref: String, status: OrderStatus, candidates: [GiftCardCandidate], now: Int64, in transaction: Transaction
    ) async throws -> Bool {
        let sql = transaction.sql
        let moved = try await sql.raw(
            """
            UPDATE orders SET status = \(bind: status.rawValue), updated_at = \(bind: now)
            WHERE topup_id = (SELECT order_key FROM gift_card_orders WHERE ref = \(bind: ref))
                AND status = \(bind: OrderStatus.placing.rawValue)
            RETURNING topup_id
            """
        ).all()
        guard !moved.isEmpty else { return false }
        let encoded = candidates.isEmpty ? nil : String(decoding: try JSONEncoder().encode(candidates), as: UTF8.self)
        try await sql.raw(
            "UPDATE gift_card_orders SET next_check_at = NULL, candidates = \(bind: encoded) WHERE ref = \(bind: ref)"
        ).run()
        return true
    }

    public func due(now: Int64, limit: Int) async throws -> [GiftCardOrder] {
        try await selectAll(
            store.sql, where: "g.next_check_at IS NOT NULL AND g.next_check_at <= \(bind: now)",
            order: "g.next_check_at", limit: limit)
    }

    public func pending(limit: Int) async throws -> [GiftCardOrder] {
        let waiting = [OrderStatus.placing, .handling, .uncertain].map(\.rawValue)
        return try await selectAll(
            store.sql, where: "o.status IN (\(binds: waiting))", order: "o.created_at", limit: limit)
    }

    public func recordCheck(ref: String, nextCheckAt: Int64?, now: Int64) async throws {
        try await store.sql.raw(
            """
            UPDATE gift_card_orders SET next_check_at = \(bind: nextCheckAt), check_count = check_count + 1
            WHERE ref = \(bind: ref)
            """
        ).run()
        try await store.sql.raw(
            """
            UPDATE orders SET last_checked_at = \(bind: now)
            WHERE topup_id = (SELECT order_key FROM gift_card_orders WHERE ref = \(bind: ref))
            """
        ).run()
    }

    public func recordOutcome(ref: String, _ outcome: GiftCardOutcome, now: Int64, in transaction: Transaction)
        async throws -> Bool
    {
        let sql = transaction.sql
        let moved = try await sql.raw(
            """
            UPDATE orders SET status = \(bind: outcome.status.rawValue), updated_at = \(bind: now),
                last_checked_at = \(bind: now)
            WHERE topup_id = (SELECT order_key FROM gift_card_orders WHERE ref = \(bind: ref))
                AND status = \(bind: OrderStatus.handling.rawValue)
            RETURNING topup_id
            """
        ).all()
        guard !moved.isEmpty else { return false }
        try await sql.raw(
            """
            UPDATE gift_card_orders SET fulfilled_quantity = \(bind: outcome.fulfilledQuantity),
                price_per_card = COALESCE(\(bind: outcome.pricePerCard), price_per_card), next_check_at = NULL,
                check_count = check_count + 1
            WHERE ref = \(bind: ref)
            """
        ).run()
        for card in outcome.cards {
            try await sql.raw(
                """
                INSERT INTO gift_cards (ref, position, sealed_code, sealed_serial, key_id)
                VALUES (\(bind: ref), \(bind: card.position), \(bind: Data(card.code)),
                    \(bind: card.serial.map { Data($0) }), \(bind: card.keyID))
                """
            ).run()
        }
        return true
    }

    public func search(_ search: GiftCardSearch) async throws -> [GiftCardOrder] {
        var condition: SQLQueryString = "1 = 1"
        if let status = search.status { condition = condition + " AND o.status = \(bind: status.rawValue)" }
        if let userId = search.userId { condition = condition + " AND o.user_id = \(bind: userId.rawValue)" }
        if let text = search.text {
            condition =
                condition + " AND (g.ref = \(bind: text) OR g.order_id = \(bind: text) OR "
                + ContactColumns.matching(text, seal: store.contacts, alias: "o.") + ")"
        }
        if let after = search.after {
            condition =
                condition
                + " AND (o.created_at < \(bind: after.createdAt) OR (o.created_at = \(bind: after.createdAt) AND g.ref < \(bind: after.ref)))"
        }
        return try await selectAll(
            store.sql, where: condition, order: "o.created_at DESC, g.ref DESC", limit: search.limit)
    }

    public func cards(ofRef ref: String) async throws -> [SealedGiftCard] {
        try await store.sql.raw(
            """
            SELECT position, sealed_code, sealed_serial, key_id FROM gift_cards
            WHERE ref = \(bind: ref) ORDER BY position
            """
        ).all().map(Self.card(row:))
    }

    public func cards(
        notUnder keyID: String, after cursor: (ref: String, position: Int)?, limit: Int, in transaction: Transaction
    ) async throws -> [(order: GiftCardOrder, card: SealedGiftCard)] {
        let ref = cursor?.ref ?? ""
        let position = cursor?.position ?? 0
        let rows = try await transaction.sql.raw(
            """
            SELECT ref, position, sealed_code, sealed_serial, key_id FROM gift_cards
            WHERE key_id <> \(bind: keyID)
                AND (ref > \(bind: ref) OR (ref = \(bind: ref) AND position > \(bind: position)))
            ORDER BY ref, position LIMIT \(bind: limit)
            """
        ).all()
        var found: [(order: GiftCardOrder, card: SealedGiftCard)] = []
        for row in rows {
            let ref = try row.decode(column: "ref", as: String.self)
            guard let order = try await select(transaction.sql, where: "g.ref = \(bind: ref)") else { continue }
            found.append((order, try Self.card(row: row)))
        }
        return found
    }

    public func countByKey() async throws -> [String: Int] {
        let rows = try await store.sql.raw("SELECT key_id, COUNT(*) AS n FROM gift_cards GROUP BY key_id").all()
        var counts: [String: Int] = [:]
        for row in rows {
            counts[try row.decode(column: "key_id", as: String.self)] = try row.decode(column: "n", as: Int.self)
        }
        return counts
    }

    public func replace(
        ref: String, position: Int, expected: [UInt8], with card: SealedGiftCard, in transaction: Transaction
    ) async throws -> Bool {
        let rows = try await transaction.sql.raw(
            """
            UPDATE gift_cards SET sealed_code = \(bind: Data(card.code)),
                sealed_serial = \(bind: card.serial.map { Data($0) }), key_id = \(bind: card.keyID)
            WHERE ref = \(bind: ref) AND position = \(bind: position) AND sealed_code = \(bind: Data(expected))
            RETURNING ref
            """
        ).all()
        return !rows.isEmpty
    }

    static let columns = """
        g.ref, g.order_id, g.product_id, g.product_title, g.type_id, g.type_name, g.quantity, g.fulfilled_quantity, \
        g.price_per_card, g.place_attempted_at, g.next_check_at AS gift_next_check_at, \
        g.check_count AS gift_check_count, g.candidates, g.order_mac, g.order_mac_key_id
        """

    func select(_ sql: any SQLDatabase, where condition: SQLQueryString) async throws -> GiftCardOrder? {
        try await selectAll(sql, where: condition, order: "g.ref", limit: 1).first
    }

    func selectAll(_ sql: any SQLDatabase, where condition: SQLQueryString, order: String, limit: Int)
        async throws -> [GiftCardOrder]
    {
        let orderColumns = OrderRecord.columns.split(separator: ",").map {
            "o." + $0.trimmingCharacters(in: .whitespacesAndNewlines)
        }.joined(separator: ", ")
        let head: SQLQueryString =
            "SELECT \(unsafeRaw: orderColumns), \(unsafeRaw: Self.columns) FROM gift_card_orders g JOIN orders o ON o.topup_id = g.order_key WHERE "
        let tail: SQLQueryString = " ORDER BY \(unsafeRaw: order) LIMIT \(bind: limit)"
        let query = head + condition + tail
        return try await sql.raw(query).all().map(order(row:))
    }

    func order(row: any SQLRow) throws -> GiftCardOrder {
        func optional<T: Decodable>(_ column: String, _ type: T.Type) throws -> T? {
            try row.decodeNil(column: column) ? nil : row.decode(column: column, as: T.self)
        }
        var details = GiftCardDetails(
            ref: try row.decode(column: "ref", as: String.self), orderId: try optional("order_id", String.self),
            productId: try row.decode(column: "product_id", as: String.self),
            productTitle: try row.decode(column: "product_title", as: String.self),
            typeId: try row.decode(column: "type_id", as: String.self),
            typeName: try row.decode(column: "type_name", as: String.self),
            quantity: try row.decode(column: "quantity", as: Int.self))
        details.fulfilledQuantity = try optional("fulfilled_quantity", Int.self)
        details.pricePerCard = try optional("price_per_card", Double.self)
        details.placeAttemptedAt = try optional("place_attempted_at", Int64.self)
        details.nextCheckAt = try optional("gift_next_check_at", Int64.self)
        details.checkCount = try row.decode(column: "gift_check_count", as: Int.self)
        if let mac = try optional("order_mac", String.self), let keyID = try optional("order_mac_key_id", String.self) {
            details.orderBinding = ContactBinding(mac: mac, keyID: keyID)
        }
        if let candidates = try optional("candidates", String.self) {
            details.candidates =
                (try? JSONDecoder().decode([GiftCardCandidate].self, from: Data(candidates.utf8))) ?? []
        }
        return GiftCardOrder(order: try OrderRecord(row: row, contacts: store.contacts), details: details)
    }

    static func card(row: any SQLRow) throws -> SealedGiftCard {
        let serial =
            try row.decodeNil(column: "sealed_serial") ? nil : try row.decode(column: "sealed_serial", as: Data.self)
        return SealedGiftCard(
            position: try row.decode(column: "position", as: Int.self),
            code: Array(try row.decode(column: "sealed_code", as: Data.self)), serial: serial.map { Array($0) },
            keyID: try row.decode(column: "key_id", as: String.self))
    }
}
