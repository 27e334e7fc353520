import CoreMetrics
import Dispatch
import HTTPTypes
import Hummingbird

/// Counts requests and their durations per route pattern (never the path itself, which holds ids), with
/// Hummingbird's metric names, into the application's own registry.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let factory: any MetricsFactory

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let start = DispatchTime.now().uptimeNanoseconds
        do {
            let response = try await next(request, context)
            // Recorded when the handler answers: every body here is already in memory.
            let dimensions = Self.dimensions(
                route: context.endpointPath ?? "Unknown", method: request.method, status: response.status)
            Counter(label: "hb.requests", dimensions: dimensions, factory: factory).increment()
            Timer(label: "http.server.request.duration", dimensions: dimensions, factory: factory)
                .recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - start))
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            let dimensions = Self.dimensions(
                route: context.endpointPath ?? "NotFound", method: request.method, status: status)
            Counter(label: "hb.requests", dimensions: dimensions, factory: factory).increment()
            Counter(
                label: "hb.request.errors",
                dimensions: [
                    ("http.route", dimensions[0].1), ("http.request.method", dimensions[1].1),
                    ("error.type", dimensions[2].1),
                ],
                factory: factory
            ).increment()
            throw error
        }
    }

    private static func dimensions(route: String, method: HTTPRequest.Method, status: HTTPResponse.Status) -> [(
        String, String
    )] {
        [
            ("http.route", route), ("http.request.method", method.rawValue),
            ("http.response.status_code", String(status.code)),
        ]
    }
}
