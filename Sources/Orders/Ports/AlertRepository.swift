import BitaqaCore
import Foundation

/// An alert email waiting to be sent, or sent.
public struct AlertEmailRecord: Sendable, Equatable {
    public let id: String
    public let condition: String
    /// True: the condition started; false: it cleared.
    public let active: Bool
    public let detail: String
    public let createdAt: Int64
    public let attempts: Int
    /// The MAC the monitor made over condition, state, detail and time, and its key's id.
    public let mac: String?
    public let macKeyID: String?

    public init(
        id: String, condition: String, active: Bool, detail: String, createdAt: Int64, attempts: Int, mac: String?,
        macKeyID: String?
    ) {
        self.id = id
        self.condition = condition
        self.active = active
        self.detail = detail
        self.createdAt = createdAt
        self.attempts = attempts
        self.mac = mac
        self.macKeyID = macKeyID
    }
}

/// An alert email's MAC and the id of the key that made it.
public struct RowMAC: Sendable, Equatable {
    public let mac: String
    public let keyID: String

    public init(mac: String, keyID: String) {
        self.mac = mac
        self.keyID = keyID
    }
}

/// Operator alert conditions, their emails, and the facts they are judged on.
public protocol AlertRepository: Sendable {
    /// Records whether `condition` holds now. When that differs from what was last emailed and the last
    /// email about it is at least `repeatMillis` old, writes an alert email in the same transaction and
    /// returns true.
    func evaluate(
        _ condition: String, active: Bool, detail: String, now: Int64, repeatMillis: Int64, mac: RowMAC?
    ) async throws -> Bool
    func email(_ id: String) async throws -> AlertEmailRecord?
    /// Ends `owner`'s lease: sent (nil `nextAttemptAt` and no error), retried later, or given up.
    func recordAttempt(_ id: String, owner: String, sent: Bool, error: String?, nextAttemptAt: Int64?) async throws
    /// Card deliveries that ended failed and were not delivered since on the same order and channel.
    func unresolvedFailedDeliveries() async throws -> Int
    /// Orders not final past their expected time.
    func stuckOrders(handlingBefore: Int64, queuedBefore: Int64) async throws -> Int
    /// Keeps one reading of the upstream balance, and forgets those older than `forgetBefore`.
    func recordBalance(_ balance: Double, at time: Int64, forgetBefore: Int64) async throws
    /// The balance readings since `since`, oldest first.
    func balances(since: Int64) async throws -> [BalanceReading]
}

/// The upstream balance as read at one time.
public struct BalanceReading: Sendable, Equatable {
    public let at: Int64
    public let balance: Double

    public init(at: Int64, balance: Double) {
        self.at = at
        self.balance = balance
    }
}
