import BitaqaCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// Decodes JSON request bodies, refusing other content types, and turns every decoding failure
/// into a 400 `BAD_REQUEST` whose message names the field but never echoes the value.
public struct StrictJSONDecoder: RequestDecoder {
    public func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws
        -> T
    {
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        guard contentType.hasPrefix("application/json") else {
            throw PublicError.badRequest("the body must be JSON (Content-Type: application/json)")
        }
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        let data = Data(buffer.readableBytesView)
        guard Self.nestingDepth(data) <= Self.maxDepth else {
            throw PublicError.badRequest("the body is nested too deeply")
        }
        // Both readings below must see one value per key: a duplicate could pass the checks on one
        // reading and be acted on with the other.
        if JSONDuplicateKeys.contains(in: Array(data)) {
            throw PublicError.badRequest("the body has the same field twice")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else {
            throw PublicError.badRequest("the body is not valid JSON")
        }
        // A NUL or other control character would be cut or misread by the database and the logs.
        if Self.containsControlCharacter(object) {
            throw PublicError.badRequest("text fields must not contain control characters")
        }
        if let closed = T.self as? any ClosedJSONObject.Type, let fields = object as? [String: Any],
            fields.keys.contains(where: { !closed.fields.contains($0) })
        {
            throw PublicError.badRequest("the body has a field this request does not take")
        }
        do {
            let decoded = try JSONDecoder().decode(T.self, from: data)
            // And on what was decoded, which is what the handler acts on.
            if Self.decodedHoldsControlCharacter(decoded) {
                throw PublicError.badRequest("text fields must not contain control characters")
            }
            return decoded
        } catch let error as DecodingError {
            throw PublicError.badRequest(Self.explain(error))
        } catch let error as PublicError {
            throw error
        } catch {
            throw PublicError.badRequest("the body is not valid JSON")
        }
    }

    /// Deeper JSON than any request of ours is refused before a parser sees it.
    static let maxDepth = 32

    /// The deepest nesting of arrays and objects, ignoring brackets inside strings.
    static func nestingDepth(_ data: Data) -> Int {
        var depth = 0
        var deepest = 0
        var inString = false
        var escaped = false
        for byte in data {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                deepest = max(deepest, depth)
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
        return deepest
    }

    static func containsControlCharacter(_ value: Any) -> Bool {
        switch value {
        case let text as String: text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
        case let list as [Any]: list.contains(where: containsControlCharacter)
        case let object as [String: Any]:
            object.contains { containsControlCharacter($0.key) || containsControlCharacter($0.value) }
        default: false
        }
    }

    /// Walks the decoded value's stored properties (and their arrays and optionals) for text with a
    /// control character.
    static func decodedHoldsControlCharacter(_ value: Any, depth: Int = 0) -> Bool {
        guard depth < maxDepth else { return false }
        if let text = value as? String { return containsControlCharacter(text) }
        return Mirror(reflecting: value).children.contains { decodedHoldsControlCharacter($0.value, depth: depth + 1) }
    }

    static func explain(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath + [key])
            return "the field \(field) is required"
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            return "the field \(path(context.codingPath)) must be \(describe(type))"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "the body is not valid JSON" }
            return "the field \(path(context.codingPath)) is invalid"
        @unknown default:
            return "the body could not be read"
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Double.Type: "a number"
        case is Bool.Type: "true or false"
        case is [Any].Type: "a list"
        default: "of another type"
        }
    }
}

/// A request body whose JSON object may hold only these fields: anything else is a 400, so a typo such
/// as `emial` is reported instead of silently ignored.
protocol ClosedJSONObject: Decodable {
    static var fields: Set<String> { get }
}
