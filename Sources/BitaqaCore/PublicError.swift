/// The error codes of the public API (`INTERFACE.md`), each with its HTTP status.
public enum PublicErrorCode: String, Sendable, CaseIterable {
    case orderNotFound = "ORDER_NOT_FOUND"
    case orderNotReady = "ORDER_NOT_READY"
    case unauthorized = "UNAUTHORIZED"
    case forbidden = "FORBIDDEN"
    case rateLimited = "RATE_LIMITED"
    case badRequest = "BAD_REQUEST"
    case conflict = "CONFLICT"
    case notFound = "NOT_FOUND"
    case methodNotAllowed = "METHOD_NOT_ALLOWED"
    case payloadTooLarge = "PAYLOAD_TOO_LARGE"
    case cardUnreadable = "CARD_UNREADABLE"
    case deliveryFailed = "DELIVERY_FAILED"
    case invalidPhone = "ERR_PHONE"
    case upstreamValidation = "ERR_VALIDATION"
    case outOfStock = "ERR_STOCK"
    case duplicatedRef = "DUPLICATED_REF"
    case insufficientBalance = "INSUFFICIENT_BALANCE"
    case upstreamUnavailable = "UPSTREAM_UNAVAILABLE"
    case serviceUnavailable = "SERVICE_UNAVAILABLE"
    case internalError = "INTERNAL_ERROR"

    public var httpStatus: Int {
        switch self {
        case .orderNotFound, .notFound: 404
        case .orderNotReady, .badRequest, .invalidPhone, .upstreamValidation: 400
        case .outOfStock, .duplicatedRef: 409
        case .insufficientBalance: 402
        case .upstreamUnavailable: 502
        case .unauthorized: 401
        case .forbidden: 403
        case .rateLimited: 429
        case .conflict: 409
        case .methodNotAllowed: 405
        case .payloadTooLarge: 413
        case .serviceUnavailable: 503
        case .cardUnreadable, .internalError, .deliveryFailed: 500
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

    /// `ORDER_NOT_READY` with the guide's meaning for each status.
    public static func notReady(_ status: OrderStatus) -> PublicError {
        switch status {
        case .refunded:
            .init(.orderNotReady, "REFUNDED: the order failed and was refunded; there is no card")
        case .queued:
            .init(.orderNotReady, "QUEUED: the operator will process the order within 12 to 48 hours; please wait")
        case .handling, .fulfilled:
            .init(.orderNotReady, "HANDLING: the order is being processed; please wait a few seconds")
        }
    }
}
