import BitaqaCore
import Hummingbird
import Orders

/// `/console/reconciliation`: the upstream's top-ups of a window against Bitaqa's orders. Runs only
/// when asked (`run`), since each run reads the upstream's history page by page.
struct ConsoleReconciliationController {
    let support: ConsoleSupport
    let reconciler: Reconciler
    /// The end of a window left open.
    let time: TimeSource

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("reconciliation", use: reconciliation)
    }

    @Sendable func reconciliation(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await support.signedIn(request) { session in
            let query = request.uri.queryParameters
            let from = query.get("from").map { String($0) } ?? ""
            let to = query.get("to").map { String($0) } ?? ""
            var view = ConsoleReconciliationView(from: from, to: to)
            guard query.get("run") != nil else { return support.page(view, request: request, session: session) }
            do {
                let window = try ReconciliationWindow(
                    from: from.isEmpty ? nil : from, to: to.isEmpty ? nil : to, now: time.now())
                view.show(try await reconciler.run(from: window.from, to: window.to))
            } catch let error as PublicError {
                view.error = error.message
            } catch {
                view.error = ConsoleSupport.words(request)["checkFailed"] ?? ""
            }
            return support.page(view, request: request, session: session)
        }
    }
}
