import BitaqaCore
import Orders
import SQLKit

extension DeliveryRecord {
    /// The columns every delivery read selects, in the order ``init(cells:)`` reads them.
    static let columnNames = [
        "id", "topup_id", "channel", "purpose", "state", "attempts", "last_error", "provider_message_id",
        "created_at", "delivered_at", "next_attempt_at",
    ]
    static let columns = columnNames.joined(separator: ", ")

    init(row: any SQLRow) throws {
        try self.init(cells: NamedCells(row: row, names: Self.columnNames))
    }

    init(cells row: some RowCells) throws {
        let table = "deliveries"
        guard let topupId = TopupID(try row.required(row.text(1), table: table)),
            let channel = DeliveryChannel(rawValue: try row.required(row.text(2), table: table)),
            let purpose = DeliveryPurpose(rawValue: try row.required(row.text(3), table: table)),
            let state = DeliveryState(rawValue: try row.required(row.text(4), table: table))
        else { throw StorageError.corruptRow(table: table) }
        self.init(
            id: try row.required(row.text(0), table: table), topupId: topupId, channel: channel, purpose: purpose,
            state: state, attempts: Int(try row.required(row.integer(5), table: table)),
            createdAt: try row.required(row.integer(8), table: table))
        self.lastError = try row.text(6)
        self.providerMessageId = try row.text(7)
        self.deliveredAt = try row.integer(9)
        self.nextAttemptAt = try row.integer(10)
    }
}
