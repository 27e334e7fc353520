import BitaqaCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Orders

/// What every console page and action shares, in one place so that each controller holds only its own
/// dependencies: the session behind the cookie, the CSRF check of a POST, the page with its security
/// headers, the language switch and the redirects.
struct ConsoleSupport: Sendable {
    let sessions: ConsoleSessions
    /// Marks every cookie the console sets `Secure`: true whenever the console is reached over TLS.
    let secureCookie: Bool

    /// The session cookie: it only names a server-side session, so it is `HttpOnly`.
    static let sessionCookie = "bitaqa_console"
    /// The chosen language: nothing secret in it, so it is not `HttpOnly`.
    static let languageCookie = "bitaqa_console_lang"
    /// The console's forms are a few hundred bytes: a larger body is refused before it is decoded, well
    /// under the server's own body limit.
    static let formLimit = 16 * 1024

    /// A signed-in POST whose form carried the session's CSRF token.
    struct Post<Form: ConsoleForm>: Sendable {
        let session: ConsoleSessions.Session
        /// The cookie that named the session: signing out ends the session it names.
        let cookie: String
        let form: Form
    }

    /// Runs `page` for the signed-in session. `?lang=` comes first, so the language can be switched
    /// signed out too; without a session the browser goes to the sign-in page.
    func signedIn(
        _ request: Request, _ page: (ConsoleSessions.Session) async throws -> Response
    ) async throws -> Response {
        if let switched = languageSwitch(request) { return switched }
        guard let session = try await session(request) else { return Self.redirect("/console/login") }
        return try await page(session)
    }

    /// The live session the request's cookie names; nil without a cookie or for an ended one.
    func session(_ request: Request) async throws -> ConsoleSessions.Session? {
        guard let cookie = Self.cookie(Self.sessionCookie, in: request) else { return nil }
        return try await sessions.session(cookie: cookie)
    }

    /// The POST's form, its session and its checked CSRF token. The form is read first, so an oversized
    /// body is 413 before anything else; then 403 without a session or without the session's token.
    func post<Form: ConsoleActionForm>(
        _ request: Request, context: AppRequestContext, as form: Form.Type = ConsoleCSRFForm.self
    ) async throws -> Post<Form> {
        let form = try await Form.decode(from: request, context: context)
        guard let cookie = Self.cookie(Self.sessionCookie, in: request),
            let session = try await sessions.session(cookie: cookie)
        else { throw ConsoleRefusal.signedOut }
        guard ConsoleSessions.csrfMatches(form.csrf, session) else { throw ConsoleRefusal.expiredForm }
        // The action's required role, from the one table of routes and roles.
        try Self.requireRole(session, request, context)
        return Post(session: session, cookie: cookie, form: form)
    }

    /// The page in the request's language, with the headers every console page carries: never cached,
    /// no script, no framing, no referrer.
    func page(
        _ view: some ConsoleView, request: Request, session: ConsoleSessions.Session?,
        status: HTTPResponse.Status = .ok, notice: String? = nil
    ) -> Response {
        let html = ConsolePages.render(
            view, locale: Self.locale(request), csrf: session?.csrf, role: session?.principal.role, notice: notice)
        return Self.respond(html: html, status: status)
    }

    /// 403 as a console page unless the session's role reaches the route's in ``RouteRoles``.
    static func requireRole(_ session: ConsoleSessions.Session, _ request: Request, _ context: AppRequestContext)
        throws(ConsoleRefusal)
    {
        guard RouteRoles.allows(session.principal, request.method, endpoint: context.endpointPath) else {
            throw .role
        }
    }

    /// A rendered page with the console's headers. The action forms a role may not use are left out by
    /// the templates themselves (`canAct`, `isOwner`).
    static func respond(html: String, status: HTTPResponse.Status) -> Response {
        Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                .contentSecurityPolicy: ConsolePages.policy, .referrerPolicy: "no-referrer", .frameOptions: "DENY",
                .xContentTypeOptions: "nosniff",
            ],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// `?lang=xx` sets the language cookie and comes back to the same page without the parameter.
    func languageSwitch(_ request: Request) -> Response? {
        guard let raw = request.uri.queryParameters.get("lang"), let locale = CustomerLocale(rawValue: String(raw))
        else { return nil }
        var response = Self.redirect(request.uri.path)
        response.setCookie(
            Cookie(
                name: Self.languageCookie, value: locale.rawValue, maxAge: 31_536_000, path: "/console",
                secure: secureCookie, httpOnly: false, sameSite: .strict))
        return response
    }

    /// The session cookie with `value`; an empty value and `maxAge` 0 makes the browser drop it.
    func sessionCookie(_ value: String, maxAge: Int) -> Cookie {
        Cookie(
            name: Self.sessionCookie, value: value, maxAge: maxAge, path: "/console", secure: secureCookie,
            httpOnly: true, sameSite: .strict)
    }

    /// The cookie's language, else the first of `Accept-Language` the console speaks, else French.
    static func locale(_ request: Request) -> CustomerLocale {
        if let raw = cookie(languageCookie, in: request), let locale = CustomerLocale(rawValue: raw) { return locale }
        for part in (request.headers[.acceptLanguage] ?? "").split(separator: ",") {
            let tag = part.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
            if let locale = CustomerLocale(rawValue: String(tag.prefix(2))) { return locale }
        }
        return .fr
    }

    /// The named cookie's value, found by Hummingbird's `Cookies`. Surrounding blanks are dropped, as a
    /// hand-written `Cookie` header (`a=1 ; b=2`) may have them and Hummingbird keeps those after the value.
    static func cookie(_ name: String, in request: Request) -> String? {
        request.cookies[name].map { $0.value.trimmingCharacters(in: .whitespaces) }
    }

    /// The console's words in the request's language.
    static func words(_ request: Request) -> [String: String] { ConsoleTexts.words(locale(request)) }

    /// 303, so a POST's answer is fetched with GET and a reload does not repeat the action.
    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }
}

/// A console action refused before it ran: no session, a form without the session's CSRF token, or a
/// role below the route's. Answered 403 by ``ConsoleRefusalMiddleware`` as a console page in the
/// console's language, never as the API's JSON.
enum ConsoleRefusal: Error {
    case signedOut, expiredForm, role

    /// The word of ``ConsoleTexts`` that explains it.
    var key: String {
        switch self {
        case .signedOut: "refusedSignedOut"
        case .expiredForm: "forbidden"
        case .role: "refusedRole"
        }
    }
}

/// Turns a ``ConsoleRefusal`` into a 403 console page and a body over a limit into a 413 console page;
/// every other error goes on to the API's handler.
struct ConsoleRefusalMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let refusal as ConsoleRefusal {
            let locale = ConsoleSupport.locale(request)
            let view = ConsoleRefusalView(message: ConsoleTexts.words(locale)[refusal.key] ?? "")
            return ConsoleSupport.respond(
                html: ConsolePages.render(view, locale: locale, csrf: nil), status: .forbidden)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            let locale = ConsoleSupport.locale(request)
            let view = ConsoleRefusalView(message: ConsoleTexts.words(locale)["refusedTooLarge"] ?? "")
            return ConsoleSupport.respond(
                html: ConsolePages.render(view, locale: locale, csrf: nil), status: .contentTooLarge)
        }
    }
}
