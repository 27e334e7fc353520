import Hummingbird

/// Refuses bodies larger than `BITAQA_HTTP_MAX_BODY_BYTES` with 413, reading at most that many bytes.
///
/// A middleware rather than the request context's `maxUploadSize`, because Hummingbird builds the
/// context from the channel alone: the limit belongs to the application, not to a process-wide value.
///
/// Paths under `exempt` are left to a limit of their own further in: the console's, which answers with
/// a console page rather than the API's JSON.
struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxBytes: Int
    var exempt: String? = nil

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        // Most requests (every GET) have no body: nothing to read or limit.
        if request.headers[.contentLength] == nil && request.headers[.transferEncoding] == nil {
            return try await next(request, context)
        }
        if let exempt, request.uri.path.hasPrefix(exempt) { return try await next(request, context) }
        var request = request
        _ = try await request.collectBody(upTo: maxBytes)
        return try await next(request, context)
    }
}
