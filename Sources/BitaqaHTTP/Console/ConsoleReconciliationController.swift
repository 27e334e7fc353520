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
            let locale = ConsoleSupport.locale(request)
            do {
                let window = try ReconciliationWindow(
                    from: Self.algiersDay(from, endOfDay: false), to: Self.algiersDay(to, endOfDay: true),
                    now: time.now())
                view.show(try await reconciler.run(from: window.from, to: window.to), locale: locale)
            } catch is PublicError {
                view.error = ConsoleTexts.words(locale)["badWindow"] ?? ""
            } catch {
                view.error = ConsoleTexts.words(locale)["checkFailed"] ?? ""
            }
            return support.page(view, request: request, session: session)
        }
    }

    /// A day of the form's date fields (`2026-12-01`) as the ISO time that starts it in Algiers, or (for
    /// the end of the window) the next day's start, so the end day is included. Anything else is passed
    /// on as typed; empty is no bound.
    static func algiersDay(_ text: String, endOfDay: Bool) -> String? {
        guard !text.isEmpty else { return nil }
        guard let start = DailyFigures.start(ofDate: text) else { return text }
        return Timestamp.iso8601(start + (endOfDay ? DailyFigures.dayMillis : 0))
    }
}
