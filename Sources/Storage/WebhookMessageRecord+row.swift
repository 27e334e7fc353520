import BitaqaCore
import Orders
import SQLKit

extension WebhookMessageRecord {
    static let columns = """
        id, type, topup_id, body, mac, mac_key_id, state, attempts, last_status, last_error, created_at,
        next_attempt_at, delivered_at
        """

    init(row: any SQLRow) throws {
        func optional<T: Decodable>(_ column: String, _ type: T.Type) throws -> T? {
            try row.decodeNil(column: column) ? nil : row.decode(column: column, as: T.self)
        }
        guard let state = WebhookState(rawValue: try row.decode(column: "state", as: String.self)) else {
            throw StorageError.corruptRow(table: "webhook_messages")
        }
        self.init(
            id: try row.decode(column: "id", as: String.self), type: try row.decode(column: "type", as: String.self),
            body: try row.decode(column: "body", as: String.self), state: state,
            attempts: try row.decode(column: "attempts", as: Int.self),
            createdAt: try row.decode(column: "created_at", as: Int64.self))
        topupId = try optional("topup_id", String.self)
        mac = try optional("mac", String.self)
        macKeyID = try optional("mac_key_id", String.self)
        lastStatus = try optional("last_status", Int.self)
        lastError = try optional("last_error", String.self)
        nextAttemptAt = try optional("next_attempt_at", Int64.self)
        deliveredAt = try optional("delivered_at", Int64.self)
    }
}
