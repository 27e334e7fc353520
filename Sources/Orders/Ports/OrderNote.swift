import BitaqaCore

/// A merchant's note on an order: for the shop's people only, never in a buyer's message.
public struct OrderNote: Sendable, Equatable {
    public let id: String
    public let topupId: TopupID
    /// Who wrote it: `merchant` (the admin token), `console`, or a staff member.
    public let author: String
    public let text: String
    public let createdAt: Int64

    public init(id: String, topupId: TopupID, author: String, text: String, createdAt: Int64) {
        self.id = id
        self.topupId = topupId
        self.author = author
        self.text = text
        self.createdAt = createdAt
    }
}
