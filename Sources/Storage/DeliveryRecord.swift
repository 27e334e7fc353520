import BitaqaCore
import SQLKit

/// Why a message is sent: the card itself, or the notice that the order failed and was refunded.
public enum DeliveryPurpose: String, Sendable, Codable {
    case card
    case refundNotice = "refund_notice"
}

/// One attempt-tracked message to the buyer on one channel.
public struct DeliveryRecord: Sendable, Equatable {
    public var id: String
    public var topupId: TopupID
    public var channel: DeliveryChannel
    public var purpose: DeliveryPurpose
    public var state: DeliveryState
    public var attempts: Int
    public var lastError: String?
    public var providerMessageId: String?
    public var createdAt: Int64
    public var deliveredAt: Int64?
    public var nextAttemptAt: Int64?

    static let columns = """
        id, topup_id, channel, purpose, state, attempts, last_error, provider_message_id, created_at, \
        delivered_at, next_attempt_at
        """

    init(row: any SQLRow) throws {
        func optional<T: Decodable>(_ column: String, _ type: T.Type) throws -> T? {
            try row.decodeNil(column: column) ? nil : row.decode(column: column, as: T.self)
        }
        guard let topupId = TopupID(try row.decode(column: "topup_id", as: String.self)),
            let channel = DeliveryChannel(rawValue: try row.decode(column: "channel", as: String.self)),
            let purpose = DeliveryPurpose(rawValue: try row.decode(column: "purpose", as: String.self)),
            let state = DeliveryState(rawValue: try row.decode(column: "state", as: String.self))
        else { throw StorageError.corruptRow(table: "deliveries") }
        self.id = try row.decode(column: "id", as: String.self)
        self.topupId = topupId
        self.channel = channel
        self.purpose = purpose
        self.state = state
        self.attempts = try row.decode(column: "attempts", as: Int.self)
        self.lastError = try optional("last_error", String.self)
        self.providerMessageId = try optional("provider_message_id", String.self)
        self.createdAt = try row.decode(column: "created_at", as: Int64.self)
        self.deliveredAt = try optional("delivered_at", Int64.self)
        self.nextAttemptAt = try optional("next_attempt_at", Int64.self)
    }
}
