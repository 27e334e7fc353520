import BitaqaCore
import Foundation
import Orders
import SQLKit

public struct SQLAlertRepository: AlertRepository {
    let store: Store

    public init(store: Store) {
        self.store = store
    }

    public func evaluate(
        _ condition: String, active: Bool, detail: String, now: Int64, repeatMillis: Int64, mac: RowMAC?
    ) async throws -> Bool {
        try await store.transaction { transaction in
            let sql = transaction.sql
            let state = active ? 1 : 0
            let row = try await sql.raw(
                "SELECT active, emailed_active, emailed_at FROM alert_conditions WHERE name = \(bind: condition)"
            ).first()
            guard let row else {
                try await sql.raw(
                    """
                    INSERT INTO alert_conditions (name, active, changed_at, emailed_active)
                    VALUES (\(bind: condition), \(bind: state), \(bind: now), 0)
                    """
                ).run()
                return try await emailIfDue(
                    condition, active: active, emailedActive: false, emailedAt: nil, detail: detail, now: now,
                    repeatMillis: repeatMillis, mac: mac, sql: sql)
            }
            let was = try row.decode(column: "active", as: Int.self) == 1
            if was != active {
                try await sql.raw(
                    """
                    UPDATE alert_conditions SET active = \(bind: state), changed_at = \(bind: now)
                    WHERE name = \(bind: condition)
                    """
                ).run()
            }
            let emailedAt =
                try row.decodeNil(column: "emailed_at") ? nil : try row.decode(column: "emailed_at", as: Int64.self)
            return try await emailIfDue(
                condition, active: active, emailedActive: try row.decode(column: "emailed_active", as: Int.self) == 1,
                emailedAt: emailedAt, detail: detail, now: now, repeatMillis: repeatMillis, mac: mac, sql: sql)
        }
    }

    private func emailIfDue(
        _ condition: String, active: Bool, emailedActive: Bool, emailedAt: Int64?, detail: String, now: Int64,
        repeatMillis: Int64, mac: RowMAC?, sql: any SQLDatabase
    ) async throws -> Bool {
        guard active != emailedActive, now - (emailedAt ?? Int64.min / 2) >= repeatMillis else { return false }
        try await sql.raw(
            """
            UPDATE alert_conditions SET emailed_active = \(bind: active ? 1 : 0), emailed_at = \(bind: now)
            WHERE name = \(bind: condition)
            """
        ).run()
        let id = "alert_" + Hex.encode(SecretBytes.random(count: 12).unsafeBytes)
        try await sql.raw(
            """
            INSERT INTO alert_emails
                (id, condition_name, active, detail, created_at, state, attempts, next_attempt_at, mac, mac_key_id)
            VALUES (\(bind: id), \(bind: condition), \(bind: active ? 1 : 0), \(bind: String(detail.prefix(500))),
                \(bind: now), 'pending', 0, \(bind: now), \(bind: mac?.mac), \(bind: mac?.keyID))
            """
        ).run()
        return true
    }

    public func email(_ id: String) async throws -> AlertEmailRecord? {
        guard
            let row = try await store.sql.raw(
                """
                SELECT id, condition_name, active, detail, created_at, attempts, mac, mac_key_id FROM alert_emails
                WHERE id = \(bind: id)
                """
            ).first()
        else { return nil }
        return AlertEmailRecord(
            id: try row.decode(column: "id", as: String.self),
            condition: try row.decode(column: "condition_name", as: String.self),
            active: try row.decode(column: "active", as: Int.self) == 1,
            detail: try row.decode(column: "detail", as: String.self),
            createdAt: try row.decode(column: "created_at", as: Int64.self),
            attempts: try row.decode(column: "attempts", as: Int.self),
            mac: try row.decodeNil(column: "mac") ? nil : try row.decode(column: "mac", as: String.self),
            macKeyID: try row.decodeNil(column: "mac_key_id")
                ? nil : try row.decode(column: "mac_key_id", as: String.self))
    }

    public func recordAttempt(_ id: String, owner: String, sent: Bool, error: String?, nextAttemptAt: Int64?)
        async throws
    {
        let state = sent ? "sent" : (nextAttemptAt == nil ? "failed" : "pending")
        try await store.sql.raw(
            """
            UPDATE alert_emails SET state = \(bind: state), attempts = attempts + 1, last_error = \(bind: error),
                next_attempt_at = \(bind: nextAttemptAt), lease_owner = NULL, lease_until = NULL
            WHERE id = \(bind: id) AND lease_owner = \(bind: owner)
            """
        ).run()
    }

    public func unresolvedFailedDeliveries() async throws -> Int {
        let row = try await store.sql.raw(
            """
            SELECT COUNT(*) AS n FROM deliveries failed WHERE failed.purpose = 'card' AND failed.state = 'failed'
            AND NOT EXISTS (SELECT 1 FROM deliveries later WHERE later.topup_id = failed.topup_id
                AND later.channel = failed.channel AND later.purpose = 'card' AND later.state = 'delivered')
            """
        ).first()
        return try row?.decode(column: "n", as: Int.self) ?? 0
    }

    public func stuckOrders(handlingBefore: Int64, queuedBefore: Int64) async throws -> Int {
        let row = try await store.sql.raw(
            """
            SELECT COUNT(*) AS n FROM orders WHERE
                (status = \(bind: OrderStatus.handling.rawValue) AND created_at < \(bind: handlingBefore))
                OR (status = \(bind: OrderStatus.queued.rawValue) AND created_at < \(bind: queuedBefore))
            """
        ).first()
        return try row?.decode(column: "n", as: Int.self) ?? 0
    }
}

extension SQLAlertRepository {
    public func recordBalance(_ balance: Double, at time: Int64, forgetBefore: Int64) async throws {
        try await store.sql.raw(
            """
            INSERT INTO balance_readings (at, balance) VALUES (\(bind: time), \(bind: balance))
            ON CONFLICT (at) DO UPDATE SET balance = excluded.balance
            """
        ).run()
        try await store.sql.raw("DELETE FROM balance_readings WHERE at < \(bind: forgetBefore)").run()
    }

    public func balances(since: Int64) async throws -> [BalanceReading] {
        try await store.sql.raw(
            "SELECT at, balance FROM balance_readings WHERE at >= \(bind: since) ORDER BY at"
        ).all().map { row in
            BalanceReading(
                at: try row.decode(column: "at", as: Int64.self),
                balance: try row.decode(column: "balance", as: Double.self))
        }
    }
}
