import Audit
import BitaqaCore
import Foundation

/// Notes the shop's people keep on an order ("buyer called, wrong number; corrected"): written with a
/// `NOTE_ADDED` audit event in one transaction. The trail names the note and its author, never its
/// text (which may hold a buyer's details); no note ever reaches a buyer's message.
public struct OrderNotes: Sendable {
    let context: DomainContext

    public init(context: DomainContext) {
        self.context = context
    }

    /// The longest note, in characters.
    public static let maxLength = 2_000

    /// Adds a note; `ORDER_NOT_FOUND` for an unknown order, `BAD_REQUEST` for an empty or overlong text.
    public func add(_ text: String, to topupId: TopupID, author: String, requestID: String?) async throws -> OrderNote {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= Self.maxLength else {
            throw PublicError.badRequest("a note is 1 to \(Self.maxLength) characters")
        }
        guard try await context.repositories.orders.find(topupId) != nil else {
            throw PublicError(.orderNotFound, "no such order")
        }
        let note = OrderNote(
            id: "note_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20),
            topupId: topupId, author: author, text: trimmed, createdAt: context.time.now())
        try await context.repositories.transaction {
            [repositories = context.repositories, trail = context.trail] transaction in
            try await repositories.orders.addNote(note, in: transaction)
            try await trail.append(
                AuditEvent(
                    .noteAdded, topupId: topupId, actor: author, requestID: requestID,
                    details: ["note": note.id, "length": String(trimmed.count)]),
                now: note.createdAt, in: transaction)
        }
        return note
    }

    /// The order's notes, oldest first.
    public func notes(of topupId: TopupID) async throws -> [OrderNote] {
        try await context.repositories.orders.notes(of: topupId)
    }
}
