import BitaqaCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// The one error shape of the API: `{"success": false, "error": "CODE", "message": "…"}`.
struct ErrorBody: Encodable {
    let success = false
    let error: String
    let message: String

    static func response(_ error: PublicError, requestID: String) -> Response {
        let body = ErrorBody(error: error.code.rawValue, message: error.message)
        let data =
            (try? ResponseJSON.encoder.encode(body))
            ?? Data(#"{"success":false,"error":"INTERNAL_ERROR","message":"internal error"}"#.utf8)
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        headers[.cacheControl] = "no-store"
        if let retryAfter = error.retryAfter {
            headers[.retryAfter] = String(retryAfter)
        }
        if error.code == .unauthorized {
            headers[.wwwAuthenticate] = "Bearer"
        }
        return Response(
            status: HTTPResponse.Status(code: error.code.httpStatus),
            headers: headers,
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}
