import BitaqaCore
import Hummingbird
import Orders

/// `POST /v1/orders/resend-failed` and `POST /v1/webhooks/messages/retry-failed`: the bulk actions
/// after an outage, each resend and retry audited on its own.
struct BulkActionsController {
    let actions: BulkActions

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("orders/resend-failed", use: resendFailed)
        group.post("webhooks/messages/retry-failed", use: retryFailed)
    }

    @Sendable func resendFailed(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Queued: Encodable {
            let topupId: String
            let channels: [String]
        }
        struct Body: Encodable {
            let success = true
            let queued: [Queued]
        }
        let queued = try await actions.resendFailedDeliveries(
            actor: context.merchantActor, requestID: context.requestID)
        return try ResponseJSON.response(
            Body(queued: queued.map { Queued(topupId: $0.0.rawValue, channels: $0.1.map(\.rawValue)) }),
            status: .accepted)
    }

    @Sendable func retryFailed(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Body: Encodable {
            let success = true
            let retried: [String]
        }
        let retried = try await actions.retryFailedWebhooks(
            actor: context.merchantActor, requestID: context.requestID, session: nil)
        return try ResponseJSON.response(Body(retried: retried), status: .accepted)
    }
}
