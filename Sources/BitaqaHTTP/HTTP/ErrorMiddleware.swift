import BitaqaCore
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import Orders

/// Turns every error into the API's error shape. Clients see a public code and a message written for
/// them; the log gets the error's type and description, never a stack trace sent to the client.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let refusal as any DomainRefusal {
            let error = refusal.publicError
            if error.code.httpStatus >= 500 {
                context.logger.error("request failed", metadata: ["error": "\(error.code.rawValue)"])
            }
            return ErrorBody.response(error, requestID: context.requestID)
        } catch let error as any HTTPResponseError {
            return ErrorBody.response(Self.publicError(for: error.status), requestID: context.requestID)
        } catch {
            context.logger.error(
                "request failed",
                metadata: ["error.type": "\(String(reflecting: type(of: error)))", "error": "\(error)"]
            )
            return ErrorBody.response(PublicError(.internalError, "internal error"), requestID: context.requestID)
        }
    }

    static func publicError(for status: HTTPResponse.Status) -> PublicError {
        switch status.code {
        case 404: PublicError(.notFound, "no such endpoint")
        case 405: PublicError(.methodNotAllowed, "method not allowed on this endpoint")
        case 413: PublicError(.payloadTooLarge, "the body is too large")
        case 400..<500: PublicError(.badRequest, "malformed request")
        default: PublicError(.internalError, "internal error")
        }
    }
}
