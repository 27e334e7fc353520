import BitaqaCore
import Orders

/// Operator alerts in memory, with the rules of Storage's `SQLAlertRepository`: a condition's state is
/// kept, and an email is written (due now) only when the state differs from what was last emailed and
/// that email is at least `repeatMillis` old, in the same atomic write.
public struct MemoryAlertRepository: AlertRepository {
    let database: MemoryDatabase

    public init(database: MemoryDatabase) {
        self.database = database
    }

    public func evaluate(
        _ condition: String, active: Bool, detail: String, now: Int64, repeatMillis: Int64, mac: RowMAC?
    ) async throws -> Bool {
        try await database.write { tables in
            var row = tables.alertConditions[condition] ?? AlertConditionRow(active: active, changedAt: now)
            if row.active != active {
                row.active = active
                row.changedAt = now
            }
            defer { tables.alertConditions[condition] = row }
            guard active != row.emailedActive, now - (row.emailedAt ?? Int64.min / 2) >= repeatMillis else {
                return false
            }
            row.emailedActive = active
            row.emailedAt = now
            let id = "alert_" + Hex.encode(SecretBytes.random(count: 12).unsafeBytes)
            tables.alertEmails[id] = AlertEmailRow(
                id: id, condition: condition, active: active, detail: String(detail.prefix(500)), createdAt: now,
                state: "pending", nextAttemptAt: now, mac: mac)
            return true
        }
    }

    public func email(_ id: String) async throws -> AlertEmailRecord? {
        try database.read { $0.alertEmails[id]?.record }
    }

    public func recordAttempt(_ id: String, owner: String, sent: Bool, error: String?, nextAttemptAt: Int64?)
        async throws
    {
        try await database.write { tables in
            guard var row = tables.alertEmails[id], row.lease.owner == owner else { return }
            row.state = sent ? "sent" : (nextAttemptAt == nil ? "failed" : "pending")
            row.attempts += 1
            row.lastError = error
            row.nextAttemptAt = nextAttemptAt
            row.lease = Lease()
            tables.alertEmails[id] = row
        }
    }

    public func unresolvedFailedDeliveries() async throws -> Int {
        try database.read { tables in
            let cards = tables.deliveries.values.map(\.record).filter { $0.purpose == .card }
            let delivered = Set(
                cards.filter { $0.state == .delivered }.map { "\($0.topupId.rawValue) \($0.channel.rawValue)" })
            return cards.count {
                $0.state == .failed && !delivered.contains("\($0.topupId.rawValue) \($0.channel.rawValue)")
            }
        }
    }

    public func stuckOrders(handlingBefore: Int64, queuedBefore: Int64) async throws -> Int {
        try database.read { tables in
            tables.orders.values.count {
                $0.record.isStuck(handlingBefore: handlingBefore, queuedBefore: queuedBefore)
            }
        }
    }
}

extension MemoryAlertRepository {
    public func recordBalance(_ balance: Double, at time: Int64, forgetBefore: Int64) async throws {
        try await database.write { tables in
            tables.balances[time] = balance
            tables.balances = tables.balances.filter { $0.key >= forgetBefore }
        }
    }

    public func balances(since: Int64) async throws -> [BalanceReading] {
        try database.read { tables in
            tables.balances.filter { $0.key >= since }.sorted { $0.key < $1.key }
                .map { BalanceReading(at: $0.key, balance: $0.value) }
        }
    }
}
