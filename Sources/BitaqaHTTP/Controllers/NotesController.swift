import BitaqaCore
import Foundation
import Hummingbird
import Orders

/// `GET /v1/orders/{topupId}/notes` and `POST /v1/orders/{topupId}/notes` (`{"text": "..."}`): the
/// shop's notes on an order, audited as `NOTE_ADDED` with their author; never in a buyer's message.
struct NotesController {
    let notes: OrderNotes

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("orders/{topupId}/notes", use: list)
        group.post("orders/{topupId}/notes", use: add)
    }

    struct Note: Encodable {
        let id: String
        let author: String
        let text: String
        let createdAt: String

        init(_ note: OrderNote) {
            id = note.id
            author = note.author
            text = note.text
            createdAt = Timestamp.iso8601(note.createdAt)
        }
    }

    struct NewNote: ClosedJSONObject {
        static let fields: Set<String> = ["text"]
        let text: String
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let topupId = TopupID(try context.parameters.require("topupId")) else {
            throw PublicError(.orderNotFound, "no such order")
        }
        struct Body: Encodable {
            let success = true
            let notes: [Note]
        }
        return try ResponseJSON.response(Body(notes: try await notes.notes(of: topupId).map(Note.init)))
    }

    @Sendable func add(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let topupId = TopupID(try context.parameters.require("topupId")) else {
            throw PublicError(.orderNotFound, "no such order")
        }
        let body = try await request.decode(as: NewNote.self, context: context)
        let note = try await notes.add(
            body.text, to: topupId, author: context.merchantActor, requestID: context.requestID)
        struct Body: Encodable {
            let success = true
            let note: Note
        }
        return try ResponseJSON.response(Body(note: Note(note)), status: .created)
    }
}
