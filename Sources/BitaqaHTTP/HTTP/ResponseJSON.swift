import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The one encoder of response bodies: sorted keys, so the same answer is the same bytes every time
/// (a customer must not tell "not yours" from "missing" by key order).
enum ResponseJSON {
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// A JSON response: the body encoded by ``encoder``, `Content-Type` set, `Cache-Control: no-store`
    /// (answers hold orders and contacts; no cache should keep them) and `nosniff`.
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws
        -> Response
    {
        response(bytes: Array(try encoder.encode(value)), status: status, headers: headers)
    }

    /// The same response around a body already written (``JSONWriter``).
    static func response(bytes: [UInt8], status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields: HTTPFields = [
            .contentType: "application/json; charset=utf-8", .cacheControl: "no-store", .xContentTypeOptions: "nosniff",
        ]
        fields.append(contentsOf: headers)
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// An encodable value as a response, for handlers that return their body type.
struct JSONBody<Value: Encodable & Sendable>: ResponseGenerator {
    let value: Value
    var status: HTTPResponse.Status = .ok

    func response(from request: Request, context: some RequestContext) throws -> Response {
        try ResponseJSON.response(value, status: status)
    }
}
