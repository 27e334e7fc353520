/// The error codes of the public API (`INTERFACE.md`), each with its HTTP status.
public enum PublicErrorCode: String, Sendable, CaseIterable {
    case orderNotFound = "ORDER_NOT_FOUND"
    case orderNotReady = "ORDER_NOT_READY"
    case unauthorized = "UNAUTHORIZED"
    case rateLimited = "RATE_LIMITED"
    case badRequest = "BAD_REQUEST"
    case conflict = "CONFLICT"
    case notFound = "NOT_FOUND"
    case methodNotAllowed = "METHOD_NOT_ALLOWED"
    case payloadTooLarge = "PAYLOAD_TOO_LARGE"
    case cardUnreadable = "CARD_UNREADABLE"
    case serviceUnavailable = "SERVICE_UNAVAILABLE"
    case internalError = "INTERNAL_ERROR"

    public var httpStatus: Int {
        switch self {
        case .orderNotFound, .notFound: 404
        case .orderNotReady, .badRequest: 400
        case .unauthorized: 401
        case .rateLimited: 429
        case .conflict: 409
        case .methodNotAllowed: 405
        case .payloadTooLarge: 413
        case .serviceUnavailable: 503
        case .cardUnreadable, .internalError: 500
        }
    }
}

/// An error whose code and message may be shown to a client as they are.
///
/// The message is written for the client: it never holds a secret, a card code or an internal detail.
public struct PublicError: Error, Sendable, CustomStringConvertible {
    public let code: PublicErrorCode
    public let message: String
    /// Seconds a client should wait, for `RATE_LIMITED`.
    public let retryAfter: Int?

    public init(_ code: PublicErrorCode, _ message: String, retryAfter: Int? = nil) {
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
    }

    public var description: String { "\(code.rawValue): \(message)" }

    public static func badRequest(_ message: String) -> PublicError { .init(.badRequest, message) }
}
