import Hummingbird
import Logging
import NIOCore

/// A console form, read with Hummingbird's `URLEncodedFormDecoder`. Every field is optional, so a form
/// that leaves one out still decodes and the handler decides what a missing field means.
protocol ConsoleForm: Decodable, Sendable {
    /// The form without any field: what a body the decoder cannot read counts as.
    init()
}

/// A form that changes something, and so carries the session's CSRF token.
protocol ConsoleActionForm: ConsoleForm {
    var csrf: String? { get }
}

extension ConsoleForm {
    /// The request's form. A body over ``ConsoleSupport/formLimit`` is 413. A body the decoder refuses (a bad
    /// percent-escape, a field given twice, `csrf[]=…`) counts as the empty form: an action then fails
    /// its CSRF check (403) and a sign-in its token check (401), never a 500. Browsers send none of
    /// these, so nothing of such a body is worth keeping.
    static func decode(from request: Request, context: AppRequestContext) async throws -> Self {
        let body = try await request.body.collect(upTo: ConsoleSupport.formLimit)
        do {
            return try URLEncodedFormDecoder().decode(Self.self, from: String(buffer: body))
        } catch {
            // Not the error itself: it quotes the field, which may be a mistyped admin token.
            context.logger.debug("unreadable console form", metadata: ["form": "\(Self.self)"])
            return Self()
        }
    }
}

/// `POST /console/login`.
struct ConsoleLoginForm: ConsoleForm {
    var token: String?
}

/// An action whose only field is the CSRF token: sign-out, check now, retry a webhook.
struct ConsoleCSRFForm: ConsoleActionForm {
    var csrf: String?
}

/// `POST /console/orders/{id}/resend`; without a known `channel`, every channel of the order.
struct ConsoleResendForm: ConsoleActionForm {
    var csrf: String?
    var channel: String?
}

/// `POST /console/orders/{id}/contact`; an empty field is one the merchant left as it is.
struct ConsoleContactForm: ConsoleActionForm {
    var csrf: String?
    var email: String?
    var phone: String?
}
