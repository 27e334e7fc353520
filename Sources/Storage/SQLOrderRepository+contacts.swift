import BitaqaCore
import CardVault
import Foundation
import Orders
import SQLKit

extension SQLOrderRepository {
    public func eraseContacts(
        _ topupId: TopupID, expected: ContactBinding?, binding: ContactBinding, now: Int64,
        in transaction: Transaction
    ) async throws -> Bool {
        let guardClause: SQLQueryString =
            expected.map { "contact_mac = \(bind: $0.mac) AND contact_key_id = \(bind: $0.keyID)" }
            ?? "contact_mac IS NULL"
        let rows = try await transaction.sql.raw(
            """
            UPDATE orders SET email = NULL, phone = NULL, sealed_email = NULL, sealed_phone = NULL,
                contact_seal_key_id = NULL, email_index = NULL, phone_index = NULL,
                contact_mac = \(bind: binding.mac), contact_key_id = \(bind: binding.keyID),
                contacts_erased_at = \(bind: now)
            WHERE topup_id = \(bind: topupId.rawValue)
            """ + " AND " + guardClause + " RETURNING topup_id"
        ).all()
        return !rows.isEmpty
    }

    public func contactsDue(statuses: [OrderStatus], unchangedSince before: Int64, limit: Int) async throws
        -> [OrderRecord]
    {
        guard !statuses.isEmpty else { return [] }
        // The condition repeats the partial index `orders_contacts_held` word for word, so the planner uses it.
        return try await store.sql.raw(
            """
            SELECT \(unsafeRaw: OrderRecord.columns) FROM orders o
            WHERE \(unsafeRaw: ContactColumns.held) AND updated_at < \(bind: before)
                AND status IN (\(binds: statuses.map { $0.rawValue as any Encodable & Sendable }))
                AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.topup_id = o.topup_id
                    AND d.state IN ('pending', 'sending'))
            ORDER BY updated_at, topup_id LIMIT \(bind: limit)
            """
        ).all().map { try OrderRecord(row: $0, contacts: store.contacts) }
    }

    /// On SQLite, checkpoints the write-ahead log into the file and truncates it: with `secure_delete` on,
    /// the page written back carries only the new row, and the log no longer holds the old copy. Best
    /// effort: a reader in another process can hold the checkpoint back (it then ends at the next one).
    /// PostgreSQL keeps old row versions until vacuum reclaims them; see "Personal data" in the README.
    public func flushRemovedContacts() async throws {
        guard store.kind == .sqlite else { return }
        _ = try await store.write { sql in try await sql.raw("PRAGMA wal_checkpoint(TRUNCATE)").all() }
    }

    public func contactsToSeal() async throws -> Int {
        guard let seal = store.contacts else { return 0 }
        let row = try await store.sql.raw(
            "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM orders WHERE "
                + ContactColumns.toSeal(activeKeyID: seal.activeKeyID, resealing: true)
        ).first()
        return try row?.decode(column: "n", as: Int.self) ?? 0
    }

    public func sealContacts(after cursor: String?, limit: Int, resealing: Bool, in transaction: Transaction)
        async throws -> ContactSealBatch
    {
        guard let seal = store.contacts else { return ContactSealBatch() }
        let which = ContactColumns.toSeal(activeKeyID: seal.activeKeyID, resealing: resealing)
        let rows = try await transaction.sql.raw(
            "SELECT topup_id, user_id, email, phone, sealed_email, sealed_phone, contact_seal_key_id FROM orders WHERE "
                + which + " AND topup_id > \(bind: cursor ?? "") ORDER BY topup_id LIMIT \(bind: limit)"
        ).all()
        var batch = ContactSealBatch()
        for row in rows {
            let key = try row.decode(column: "topup_id", as: String.self)
            batch.last = key
            guard let topupId = TopupID(key), let userId = UserID(try row.decode(column: "user_id", as: String.self))
            else { continue }
            let cells = NamedCells(
                row: row, names: ["topup_id", "user_id", "email", "phone", "sealed_email", "sealed_phone"])
            let held = ContactColumns.read(
                clear: (try cells.text(2), try cells.text(3)), sealed: (try cells.blob(4), try cells.blob(5)),
                orderKey: key, userId: userId, seal: seal)
            guard held.unreadable.isEmpty else {
                batch.unreadable.append(topupId)
                continue
            }
            let previousKey = try ContactColumns.text(row, "contact_seal_key_id") ?? ""
            let columns = try ContactColumns(
                email: held.email, phone: held.phone, orderKey: key, userId: userId, seal: seal)
            // Guarded by what was read, so a correction made meanwhile is never overwritten.
            let updated = try await transaction.sql.raw(
                "UPDATE orders SET " + columns.assignments
                    + """
                     WHERE topup_id = \(bind: key) AND COALESCE(contact_seal_key_id, '') = \(bind: previousKey)
                        AND COALESCE(email, '') = \(bind: try ContactColumns.text(row, "email") ?? "")
                        AND COALESCE(phone, '') = \(bind: try ContactColumns.text(row, "phone") ?? "")
                    RETURNING topup_id
                    """
            ).all()
            if !updated.isEmpty { batch.sealed += 1 }
        }
        return batch
    }
}
