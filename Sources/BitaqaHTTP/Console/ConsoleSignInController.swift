import BitaqaCore
import HTTPTypes
import Hummingbird
import Logging
import Orders

/// `/console/login` and `/console/logout`: the admin token opens a server-side session named by an
/// `HttpOnly` cookie; signing out ends it. Every attempt, right or wrong, counts against the address.
struct ConsoleSignInController {
    let support: ConsoleSupport
    /// How long a session, and so its cookie, lives.
    let sessionLifetime: Duration

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("login", use: loginPage)
        group.post("login", use: login)
        group.post("logout", use: logout)
    }

    @Sendable func loginPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let switched = support.languageSwitch(request) { return switched }
        return support.page(ConsoleLoginView(), request: request, session: nil)
    }

    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await ConsoleLoginForm.decode(from: request, context: context)
        do {
            let (cookie, session) = try await support.sessions.signIn(
                token: form.token ?? "", address: context.remoteAddress)
            context.logger.info("console signed in", metadata: ["session": "\(session.id)"])
            var response = ConsoleSupport.redirect("/console")
            response.setCookie(support.sessionCookie(cookie, maxAge: Int(sessionLifetime.inSeconds)))
            return response
        } catch let failure as ConsoleSessions.SignInFailure {
            let words = ConsoleSupport.words(request)
            switch failure {
            case .wrongToken:
                return support.page(
                    ConsoleLoginView(error: words["wrongToken"] ?? ""), request: request, session: nil,
                    status: .unauthorized)
            case .tooManyAttempts(let retry):
                var response = support.page(
                    ConsoleLoginView(error: words["tooMany"] ?? ""), request: request, session: nil,
                    status: .tooManyRequests)
                response.headers[.retryAfter] = String(retry)
                return response
            }
        }
    }

    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        let post = try await support.post(request, context: context)
        try await support.sessions.signOut(cookie: post.cookie)
        var response = ConsoleSupport.redirect("/console/login")
        response.setCookie(support.sessionCookie("", maxAge: 0))
        return response
    }
}
