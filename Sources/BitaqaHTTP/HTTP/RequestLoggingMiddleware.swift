import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// Gives each request an id of the service's own, puts it on every log line of the request, in the
/// audit trail and on the response (`X-Request-Id`), and logs one line per request. A caller's
/// `X-Request-Id` (when it is a plain short token) is kept apart: logged and audited as
/// `client_request_id` and echoed in `X-Client-Request-Id`, so a caller cannot choose what the trail
/// calls its request.
///
/// The line names the route pattern, not the raw path, because paths can carry tokens
/// (`/cards/{token}`); credentials in headers are logged only as `redacted`.
struct RequestLoggingMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    static let requestIDHeader = HTTPField.Name.requestID
    /// Headers whose values are credentials: their presence is logged, never their value.
    static let redactedHeaders: Set<HTTPField.Name> = [
        .authorization, .cookie, .proxyAuthorization, .accessToken,
    ]
    static let loggedHeaders: [HTTPField.Name] = [.userAgent, .contentType, .contentLength]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var context = context
        let requestID = UUID().uuidString.lowercased()
        let clientRequestID = Self.acceptableID(request.headers[Self.requestIDHeader])
        context.requestID = requestID
        context.clientRequestID = clientRequestID
        context.logger[metadataKey: "request_id"] = .string(requestID)
        if let clientRequestID { context.logger[metadataKey: "client_request_id"] = .string(clientRequestID) }
        // One id per request: Hummingbird's own would only duplicate it, and its long digit runs look
        // like card codes to the log scrubber, which mangles them.
        context.logger[metadataKey: "hb.request.id"] = nil
        let start = ContinuousClock.now
        var response = try await next(request, context)
        response.headers[Self.requestIDHeader] = requestID
        if let clientRequestID { response.headers[.clientRequestID] = clientRequestID }
        let elapsed = ContinuousClock.now - start
        context.logger.info(
            "request",
            metadata: [
                "method": .string(request.method.rawValue),
                "route": .string(context.endpointPath ?? "(none)"),
                "status": .stringConvertible(response.status.code),
                "duration_ms": .string(String(format: "%.2f", elapsed / .milliseconds(1))),
                "client": .string(context.remoteAddress),
                "headers": .dictionary(Self.headerMetadata(request.headers)),
            ]
        )
        return response
    }

    static func headerMetadata(_ headers: HTTPFields) -> Logger.Metadata {
        var metadata: Logger.Metadata = [:]
        for name in loggedHeaders {
            if let value = headers[name] { metadata[name.canonicalName] = .string(String(value.prefix(200))) }
        }
        for name in redactedHeaders where headers[name] != nil {
            metadata[name.canonicalName] = "redacted"
        }
        return metadata
    }

    static func acceptableID(_ raw: String?) -> String? {
        guard let raw, (1...64).contains(raw.utf8.count),
            raw.utf8.allSatisfy({
                $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".")
            })
        else { return nil }
        return raw
    }
}

extension UInt8 {
    var isASCIIAlphanumeric: Bool {
        (0x30...0x39).contains(self) || (0x41...0x5A).contains(self) || (0x61...0x7A).contains(self)
    }
}
