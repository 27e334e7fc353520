import BitaqaCore
import Foundation
import Hummingbird
import Logging
import Orders

/// `GET /v1/webhooks/messages?state=&limit=&cursor=` and `POST /v1/webhooks/messages/{id}/retry`: the
/// webhook outbox as the merchant sees it, without the bodies.
struct WebhooksController {
    let webhooks: any WebhookRepository
    let retrying: WebhookRetry

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("webhooks/messages", use: list)
        group.get("webhooks/messages.csv", use: csv)
        group.post("webhooks/messages/{id}/retry", use: retry)
    }

    struct Message: Encodable {
        let id: String
        let type: String
        @NullEncoded var topupId: String?
        let state: String
        let attempts: Int
        @NullEncoded var lastStatus: Int?
        @NullEncoded var lastError: String?
        let createdAt: String
        @NullEncoded var nextAttemptAt: String?
        @NullEncoded var deliveredAt: String?

        init(_ record: WebhookMessageRecord) {
            id = record.id
            type = record.type
            topupId = record.topupId
            state = record.state.rawValue
            attempts = record.attempts
            lastStatus = record.lastStatus
            lastError = record.lastError
            createdAt = Timestamp.iso8601(record.createdAt)
            nextAttemptAt = record.nextAttemptAt.map(Timestamp.iso8601)
            deliveredAt = record.deliveredAt.map(Timestamp.iso8601)
        }
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        var state: WebhookState?
        if let raw = query.get("state") {
            guard let parsed = WebhookState(rawValue: String(raw)) else {
                throw PublicError.badRequest("state must be pending, delivered or failed")
            }
            state = parsed
        }
        var limit = 50
        if let raw = query.get("limit") {
            guard let parsed = Int(String(raw)), (1...500).contains(parsed) else {
                throw PublicError.badRequest("limit must be a whole number from 1 to 500")
            }
            limit = parsed
        }
        let cursor = query.get("cursor").map { String($0) }
        if let cursor, cursor.count > 64 || cursor.isEmpty { throw PublicError.badRequest("cursor is not valid") }
        let page = try await webhooks.messages(state: state, limit: limit + 1, after: cursor)
        struct Body: Encodable {
            let success = true
            let messages: [Message]
            @NullEncoded var nextCursor: String?
        }
        let shown = Array(page.prefix(limit))
        return try ResponseJSON.response(
            Body(messages: shown.map(Message.init), nextCursor: page.count > limit ? shown.last?.id : nil))
    }

    @Sendable func retry(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        try await retrying.retry(id, actor: context.merchantActor, requestID: context.requestID, session: nil)
        context.logger.info("webhook retry requested", metadata: ["webhook_id": "\(id)"])
        struct Body: Encodable {
            let success = true
            let id: String
            let state = "pending"
        }
        return try ResponseJSON.response(Body(id: id), status: .accepted)
    }

    /// `GET /v1/webhooks/messages.csv?state=`: every message (at most 100,000), newest first, as CSV; the
    /// bodies are left out (they are in the shop's own log), never a card code.
    @Sendable func csv(_ request: Request, context: AppRequestContext) async throws -> Response {
        var state: WebhookState?
        if let raw = request.uri.queryParameters.get("state") {
            guard let parsed = WebhookState(rawValue: String(raw)) else {
                throw PublicError.badRequest("state must be pending, delivered or failed")
            }
            state = parsed
        }
        var csv = CSVText(header: [
            "id", "type", "topupId", "state", "attempts", "lastStatus", "lastError", "createdAt", "nextAttemptAt",
            "deliveredAt",
        ])
        var cursor: String?
        var rows = 0
        repeat {
            let page = try await webhooks.messages(state: state, limit: 500, after: cursor)
            for message in page {
                csv.append([
                    message.id, message.type, message.topupId, message.state.rawValue, String(message.attempts),
                    message.lastStatus.map(String.init), message.lastError, Timestamp.iso8601(message.createdAt),
                    message.nextAttemptAt.map(Timestamp.iso8601), message.deliveredAt.map(Timestamp.iso8601),
                ])
            }
            rows += page.count
            cursor = page.count == 500 ? page.last?.id : nil
        } while cursor != nil && rows < ExportsController.maxRows
        return ExportsController.csv(csv, name: "webhook-messages.csv")
    }
}
