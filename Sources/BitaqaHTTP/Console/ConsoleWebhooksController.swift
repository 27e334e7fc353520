import BitaqaCore
import Hummingbird
import Orders

/// `/console/webhooks`: the outbox by state, and a retry for a message not delivered.
struct ConsoleWebhooksController {
    let support: ConsoleSupport
    let webhooks: any WebhookRepository
    let retrying: WebhookRetry
    /// Without `BITAQA_WEBHOOK_URL` the page says so: nothing is sent.
    let configured: Bool

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("webhooks", use: list)
        group.post("webhooks/{id}/retry", use: retry)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await support.signedIn(request) { session in
            let state = request.uri.queryParameters.get("state").flatMap { WebhookState(rawValue: String($0)) }
            let messages = try await webhooks.messages(state: state, limit: 100, after: nil)
            let view = ConsoleWebhooksView(
                configured: configured, state: state, messages: messages, locale: ConsoleSupport.locale(request))
            return support.page(view, request: request, session: session)
        }
    }

    @Sendable func retry(_ request: Request, context: AppRequestContext) async throws -> Response {
        let post = try await support.post(request, context: context)
        let id = try context.parameters.require("id")
        do {
            try await retrying.retry(
                id, actor: post.session.actor, requestID: context.requestID, session: post.session.id)
        } catch let error as PublicError where error.code == .notFound {
            // Delivered meanwhile, or never there: the list shows which.
        }
        return ConsoleSupport.redirect("/console/webhooks")
    }
}
