import CoreMetrics
import Dispatch
import HTTPTypes
import Hummingbird
import Synchronization

/// Counts requests and their durations per route pattern (never the path itself, which holds ids), with
/// Hummingbird's metric names, into the application's own registry. It sits outside the error
/// middleware, so a 401, 404 or 429 is counted with the status the client saw.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: RequestMetrics

    init(factory: any MetricsFactory) {
        metrics = RequestMetrics(factory: factory)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let start = DispatchTime.now().uptimeNanoseconds
        do {
            let response = try await next(request, context)
            // Recorded when the handler answers: every body here is already in memory.
            let handlers = metrics.handlers(
                route: context.endpointPath ?? "Unknown", method: request.method, status: response.status)
            handlers.requests.increment()
            handlers.duration.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - start))
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            let handlers = metrics.handlers(
                route: context.endpointPath ?? "NotFound", method: request.method, status: status)
            handlers.requests.increment()
            handlers.errors.increment()
            throw error
        }
    }
}

/// The request metrics' handlers, made once per route, method and status: looking them up in the
/// registry on every request would cost more than the request itself on `/health`.
final class RequestMetrics: Sendable {
    struct Key: Hashable {
        let route: String
        let method: String
        let status: Int
    }

    struct Handlers: Sendable {
        let requests: Counter
        let errors: Counter
        let duration: Timer
    }

    let factory: any MetricsFactory
    private let cache = Mutex<[Key: Handlers]>([:])

    init(factory: any MetricsFactory) {
        self.factory = factory
    }

    func handlers(route: String, method: HTTPRequest.Method, status: HTTPResponse.Status) -> Handlers {
        let key = Key(route: route, method: method.rawValue, status: status.code)
        if let found = cache.withLock({ $0[key] }) { return found }
        let dimensions = [
            ("http.route", route), ("http.request.method", method.rawValue),
            ("http.response.status_code", String(status.code)),
        ]
        let made = Handlers(
            requests: Counter(label: "hb.requests", dimensions: dimensions, factory: factory),
            errors: Counter(
                label: "hb.request.errors",
                dimensions: [
                    ("http.route", route), ("http.request.method", method.rawValue),
                    ("error.type", String(status.code)),
                ],
                factory: factory),
            duration: Timer(label: "http.server.request.duration", dimensions: dimensions, factory: factory)
        )
        return cache.withLock { cache in
            if let raced = cache[key] { return raced }
            cache[key] = made
            return made
        }
    }
}
