import Audit
import BitaqaCore

/// The merchant's "send this webhook message again", from the API or the console: a failed or pending
/// message becomes due now, and the request is audited as `WEBHOOK_RETRY_REQUESTED`.
public struct WebhookRetry: Sendable {
    let context: DomainContext

    public init(context: DomainContext) {
        self.context = context
    }

    /// Makes the message due now; throws `NOT_FOUND` when there is no such message or it was delivered.
    public func retry(_ id: String, actor: String, requestID: String?, session: String?) async throws {
        let now = context.time.now()
        guard id.count <= 64, try await context.repositories.webhooks.retry(id, now: now) else {
            throw PublicError(.notFound, "no such webhook message, or it was delivered")
        }
        var details = ["message": id]
        if let session { details["session"] = session }
        try await context.trail.append(
            AuditEvent(.webhookRetryRequested, actor: actor, requestID: requestID, details: details), now: now)
    }
}
