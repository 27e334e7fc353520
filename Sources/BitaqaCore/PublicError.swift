/// The error codes of the public API (`INTERFACE.md`), each with its HTTP status.
public enum PublicErrorCode: String, Sendable, CaseIterable {
    case orderNotFound = "ORDER_NOT_FOUND"
    case orderNotReady = "ORDER_NOT_READY"
    case productNotFound = "PRODUCT_NOT_FOUND"
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
        case .orderNotFound, .notFound, .productNotFound: 404
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

    /// The command line's exit code for a refusal with this code: 2 for a request that can never
    /// succeed as written, 1 for everything else (`INTERFACE.md`: 1 a check failed, 2 bad usage).
    public var exitCode: Int32 {
        switch self {
        case .badRequest, .invalidPhone, .upstreamValidation: 2
        default: 1
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

    /// `ORDER_NOT_READY` with the guide's meaning for each status: the status's code, then what it means,
    /// in the buyer's language when `locale` is given (the card API) and in English otherwise.
    public static func notReady(_ status: OrderStatus, locale: CustomerLocale = .en) -> PublicError {
        let code = status == .fulfilled ? OrderStatus.handling : status
        return .init(.orderNotReady, code.rawValue + ": " + notReadySentence(code, locale))
    }

    static func notReadySentence(_ status: OrderStatus, _ locale: CustomerLocale) -> String {
        switch (status, locale) {
        case (.refunded, .en): "the order failed and was refunded; there is no card"
        case (.refunded, .fr): "la commande a échoué et a été remboursée ; il n'y a pas de carte"
        case (.refunded, .ar): "تعذّر تنفيذ الطلب وتم استرجاع المبلغ؛ لا توجد بطاقة"
        case (.queued, .en): "the operator will process the order within 12 to 48 hours; please wait"
        case (.queued, .fr): "l'opérateur traitera la commande sous 12 à 48 heures ; veuillez patienter"
        case (.queued, .ar): "سيعالج المتعامل الطلب خلال 12 إلى 48 ساعة؛ يرجى الانتظار"
        case (.unknownUpstream, .en): "this order cannot be found; please contact the shop"
        case (.unknownUpstream, .fr): "cette commande est introuvable ; veuillez contacter la boutique"
        case (.unknownUpstream, .ar): "تعذّر العثور على هذا الطلب؛ يرجى التواصل مع المتجر"
        case (_, .en): "the order is being processed; please wait a few seconds"
        case (_, .fr): "la commande est en cours de traitement ; veuillez patienter quelques secondes"
        case (_, .ar): "الطلب قيد المعالجة؛ يرجى الانتظار بضع ثوانٍ"
        }
    }
}
