import BitaqaCore
import Foundation
import HTTPServing
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// A local server that behaves like the OneClickDz v3 internet API: same paths, headers and envelopes.
public struct SandboxServer: Sendable {
    let state: SandboxState
    let giftCards: SandboxGiftCards
    public let settings: SandboxSettings

    public init(settings: SandboxSettings) {
        self.settings = settings
        self.state = SandboxState(settings: settings)
        self.giftCards = SandboxGiftCards(settings: settings)
    }

    /// Requests received per route (e.g. `GET /internet/check-id`), faults included.
    public func requestCounts() async -> [String: Int] {
        await state.requests
    }

    /// Every request so far, in arrival order.
    public func requestLog() async -> [SandboxRequestRecord] {
        await state.log
    }

    /// Every card code the sandbox has issued, for leak checks.
    public func issuedCardCodes() async -> [String] {
        await state.issuedCardCodes()
    }

    /// Changes the injected faults while the sandbox runs (fractions of requests, 0 to 1).
    public func setFaults(
        serverErrors: Double = 0, rateLimits: Double = 0, malformed: Double = 0, slow: Double = 0,
        slowSeconds: Double = 30,
        retryAfter: Int = 1
    ) async {
        await state.setFaults(
            serverErrors: serverErrors, rateLimits: rateLimits, malformed: malformed, slow: slow,
            slowSeconds: slowSeconds,
            retryAfter: retryAfter
        )
    }

    /// The balance in DZD.
    public func balance() async -> Double {
        await state.balance
    }

    /// Makes `internet/list` leave these fields out of its items (e.g. `["status"]`).
    public func setListOmits(_ fields: [String]) async {
        await state.setListOmits(fields)
    }

    /// Forgets a top-up, as if the upstream had lost it; false when there is no such top-up.
    @discardableResult
    public func deleteTopup(_ id: String) async -> Bool {
        await state.delete(id: id)
    }

    /// The application, to run as a service (in-process) or on its own (`bitaqa sandbox`).
    public func application(host: String, port: Int, logger: Logger) -> some ApplicationProtocol {
        let router = Router()
        let v3 = router.group("v3").add(middleware: SandboxGate(state: state))
        SandboxRoutes(state: state).add(to: v3)
        SandboxGiftCardRoutes(state: state, giftCards: giftCards).add(to: v3)
        SandboxControlRoutes(state: state).add(to: router.group("sandbox"))
        SandboxGiftCardControlRoutes(state: state, giftCards: giftCards).add(to: router.group("sandbox"))
        return ServedApplication(
            responder: router.buildResponder(), server: .http1(), address: .hostname(host, port: port),
            serverName: "oneclickdz-sandbox", services: [], logger: logger)
    }
}

/// Authentication as the upstream does it, the request count, and the injected faults.
struct SandboxGate: RouterMiddleware {
    typealias Context = BasicRequestContext
    let state: SandboxState

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let route = "\(request.method.rawValue) \(Self.route(request.uri.path))"
        await state.count(route)
        let started = Date().timeIntervalSince1970
        let agent = request.headers[.userAgent] ?? ""
        let id = request.uri.path.split(separator: "/").last.map(String.init) ?? ""
        func record(_ status: Int) async {
            await state.record(
                SandboxRequestRecord(
                    route: route, id: id, agent: agent, start: started, end: Date().timeIntervalSince1970,
                    status: status)
            )
        }
        do {
            let response = try await answer(request, route: route, context: context, next: next)
            await record(response.status.code)
            return response
        } catch {
            await record(500)
            throw error
        }
    }

    private func answer(
        _ request: Request, route: String, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var settings = await state.faults
        let token = request.headers[.accessToken] ?? ""
        if token.isEmpty {
            return SandboxReply.error(.unauthorized, "MISSING_ACCESS_TOKEN", "Access token is required")
        }
        if let required = settings.requiredKey, token != required {
            return SandboxReply.error(.unauthorized, "INVALID_ACCESS_TOKEN", "Invalid or expired access token")
        }
        if let routes = settings.faultRoutes, !routes.contains(where: { route.contains($0) }) {
            settings.slowRate = 0
            settings.serverErrorRate = 0
            settings.rateLimitRate = 0
            settings.malformedRate = 0
        }
        if Double.random(in: 0..<1) < settings.slowRate {
            try await Task.sleep(for: .milliseconds(Int64(settings.slowSeconds * 1000)))
        }
        if Double.random(in: 0..<1) < settings.serverErrorRate {
            return SandboxReply.error(.serviceUnavailable, "SERVICE_UNAVAILABLE", "Service temporarily unavailable")
        }
        if Double.random(in: 0..<1) < settings.rateLimitRate {
            var response = SandboxReply.error(.tooManyRequests, "RATE_LIMITED", "Too many requests")
            response.headers[.retryAfter] = String(settings.retryAfterSeconds)
            return response
        }
        if Double.random(in: 0..<1) < settings.malformedRate {
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"success": true, "data": {"status": "FULF"#))
            )
        }
        return try await next(request, context)
    }

    /// The route without ids, for the request counts.
    static func route(_ path: String) -> String {
        let prefixes = [
            "/v3/internet/check-id/", "/v3/internet/check-ref/", "/v3/gift-cards/checkOrder/",
            "/v3/gift-cards/checkProduct/",
        ]
        for prefix in prefixes where path.hasPrefix(prefix) {
            return String(prefix.dropLast().dropFirst(3))
        }
        return String(path.dropFirst(path.hasPrefix("/v3") ? 3 : 0))
    }
}

/// Envelopes in the upstream's shape.
enum SandboxReply {
    static func ok(_ data: Any) -> Response {
        json(
            .ok,
            [
                "success": true, "data": data,
                "meta": ["timestamp": Date().formatted(.iso8601)], "requestId": requestID(),
            ])
    }

    static func error(_ status: HTTPResponse.Status, _ code: String, _ message: String, details: [String: Any] = [:])
        -> Response
    {
        json(
            status,
            [
                "success": false, "error": ["code": code, "message": message, "details": details],
                "requestId": requestID(),
            ])
    }

    static func json(_ status: HTTPResponse.Status, _ object: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func requestID() -> String {
        "req_\(Int(Date().timeIntervalSince1970 * 1000))_\(String(UInt32.random(in: .min ... .max), radix: 36))"
    }
}
