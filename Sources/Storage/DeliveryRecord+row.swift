import BitaqaCore
import Orders
import SQLKit

extension DeliveryRecord {
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
        self.init(
            id: try row.decode(column: "id", as: String.self), topupId: topupId, channel: channel, purpose: purpose,
            state: state, attempts: try row.decode(column: "attempts", as: Int.self),
            createdAt: try row.decode(column: "created_at", as: Int64.self))
        self.lastError = try optional("last_error", String.self)
        self.providerMessageId = try optional("provider_message_id", String.self)
        self.deliveredAt = try optional("delivered_at", Int64.self)
        self.nextAttemptAt = try optional("next_attempt_at", Int64.self)
    }
}
