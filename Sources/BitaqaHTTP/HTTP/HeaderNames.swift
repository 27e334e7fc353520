import HTTPTypes

/// The header names the service uses that HTTPTypes does not define, made once. `HTTPField.Name(_:)` is
/// failable only for invalid tokens; these literals are valid (the API tests read each header by its
/// literal name), so the fallback exists only to keep a trap out of the code.
extension HTTPField.Name {
    static let requestID = HTTPField.Name("X-Request-Id") ?? .via
    /// The caller's own request id, echoed back; the service's is in `X-Request-Id`.
    static let clientRequestID = HTTPField.Name("X-Client-Request-Id") ?? .via
    /// The upstream's key header: logged as `redacted` should a client send it.
    static let accessToken = HTTPField.Name("X-Access-Token") ?? .via
    static let forwardedFor = HTTPField.Name("X-Forwarded-For") ?? .via
    static let frameOptions = HTTPField.Name("X-Frame-Options") ?? .via
    static let referrerPolicy = HTTPField.Name("Referrer-Policy") ?? .via
    static let pragma = HTTPField.Name("Pragma") ?? .via
}
