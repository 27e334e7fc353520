import Audit
import BitaqaCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Orders

/// `/console`: the merchant console, server-rendered, no script. Sign-in with the admin token opens a
/// server-side session (cookie `bitaqa_console`); every POST carries the session's CSRF token; every
/// action is audited with the actor `console` and the session's id. Never a card code.
struct ConsoleController {
    let domain: DomainContext
    let sessions: ConsoleSessions
    let orders: MerchantOrders
    let webhookRetry: WebhookRetry
    let account: UpstreamAccount
    let correction: ContactCorrection
    let availableChannels: Set<DeliveryChannel>
    let secureCookie: Bool
    let sessionLifetime: Duration
    let reconciler: Reconciler
    let webhooksConfigured: Bool
    let keyIDs: [String]
    let activeKeyID: String
    let auditCheck: AuditSelfCheck
    let checkpointFile: CheckpointFile

    static let cookie = "bitaqa_console"
    static let languageCookie = "bitaqa_console_lang"

    func addRoutes(to router: Router<AppRequestContext>) {
        let group = router.group("console")
        group.get("login", use: loginPage)
        group.post("login", use: login)
        group.post("logout", use: logout)
        group.get(use: overview)
        group.get("orders", use: orders)
        group.get("orders/{id}", use: order)
        group.post("orders/{id}/resend", use: resend)
        group.post("orders/{id}/check", use: check)
        group.post("orders/{id}/contact", use: contact)
        group.get("reconciliation", use: reconciliation)
        group.get("webhooks", use: webhooks)
        group.post("webhooks/{id}/retry", use: retryWebhook)
        group.get("health", use: health)
    }

    // MARK: - Reconciliation, webhooks, health

    @Sendable func reconciliation(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let switched = languageSwitch(request) { return switched }
        guard let session = try await session(request) else { return Self.redirect("/console/login") }
        let query = request.uri.queryParameters
        let from = query.get("from").map { String($0) } ?? ""
        let to = query.get("to").map { String($0) } ?? ""
        var values: [String: Any] = ["from": from, "to": to]
        guard query.get("run") != nil else { return page("reconciliation", values, request: request, session: session) }
        do {
            let window = try ReconciliationWindow(
                from: from.isEmpty ? nil : from, to: to.isEmpty ? nil : to, now: domain.time.now())
            let report = try await reconciler.run(from: window.from, to: window.to)
            values["ran"] = true
            values["summary"] = "\(report.from) – \(report.to): \(report.upstreamCount) / \(report.localCount)"
            values["hasDifferences"] = !report.differences.isEmpty
            values["differences"] = report.differences.map {
                [
                    "kind": $0.kind.rawValue, "topupId": $0.topupId, "upstream": $0.status ?? "-",
                    "local": $0.localStatus ?? "-", "value": $0.value.map { "\($0) DZD" } ?? "-",
                ]
            }
            let totals = report.totals
            values["totals"] = (Reconciler.Kind.allCases.map(\.rawValue) + ["all"]).map {
                ["kind": $0, "count": totals[$0]?.count ?? 0, "amount": totals[$0]?.amount ?? 0]
            }
        } catch let error as PublicError {
            values["error"] = error.message
        } catch {
            values["error"] = ConsoleTexts.words(Self.locale(request))["checkFailed"] ?? ""
        }
        return page("reconciliation", values, request: request, session: session)
    }

    @Sendable func webhooks(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let switched = languageSwitch(request) { return switched }
        guard let session = try await session(request) else { return Self.redirect("/console/login") }
        let state = request.uri.queryParameters.get("state").flatMap { WebhookState(rawValue: String($0)) }
        let messages = try await domain.repositories.webhooks.messages(state: state, limit: 100, after: nil)
        let values: [String: Any] = [
            "configured": webhooksConfigured, "csrf": session.csrf,
            "states": WebhookState.allCases.map { ["value": $0.rawValue, "selected": $0 == state] },
            "messages": messages.map { message -> [String: Any] in
                [
                    "id": message.id, "type": message.type, "topupId": message.topupId ?? "-",
                    "state": message.state.rawValue, "attempts": message.attempts,
                    "lastStatus": message.lastStatus.map(String.init) ?? "-",
                    "next": message.nextAttemptAt.map(Timestamp.iso8601) ?? "-",
                    "retryable": message.state != .delivered,
                ]
            },
        ]
        return page("webhooks", values, request: request, session: session)
    }

    @Sendable func retryWebhook(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (session, _) = try await requirePost(request, context: context)
        let id = try context.parameters.require("id")
        do {
            try await webhookRetry.retry(id, actor: "console", requestID: context.requestID, session: session.id)
        } catch let error as PublicError where error.code == .notFound {
            // Delivered meanwhile, or never there: the list shows which.
        }
        return Self.redirect("/console/webhooks")
    }

    @Sendable func health(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let switched = languageSwitch(request) { return switched }
        guard let session = try await session(request) else { return Self.redirect("/console/login") }
        let words = ConsoleTexts.words(Self.locale(request))
        let counts = try await domain.repositories.cards.countByKey()
        let pending = counts.filter { $0.key != activeKeyID }.values.reduce(0, +)
        let head = try await domain.trail.head()
        let checkpoint = try? checkpointFile.read()
        let problem = await auditCheck.problem()
        let upstream: String
        do {
            let snapshot = try await account.current()
            upstream = "\(words["reachable"] ?? ""), \(snapshot.keyType)"
        } catch {
            upstream = words["unreachable"] ?? ""
        }
        let values: [String: Any] = [
            "keys": Set(keyIDs).union(counts.keys).sorted().map {
                ["id": $0, "cards": counts[$0] ?? 0, "active": $0 == activeKeyID]
            },
            "rotation": pending == 0 ? (words["rotationDone"] ?? "") : "\(pending) \(words["rotationLeft"] ?? "")",
            "head": head.map { "#\($0.sequence) \($0.hash.prefix(16))…" } ?? "-",
            "checkpoint": checkpoint.map { "#\($0.sequence) \(Timestamp.iso8601($0.at))" } ?? "-",
            "selfCheck": problem ?? (words["intact"] ?? ""), "upstream": upstream,
        ]
        return page("health", values, request: request, session: session)
    }

    // MARK: - Sign-in

    @Sendable func loginPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let switched = languageSwitch(request) { return switched }
        return page("login", [:], request: request, session: nil)
    }

    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await Self.form(request, context: context)
        do {
            let (cookie, session) = try await sessions.signIn(
                token: form["token"] ?? "", address: context.remoteAddress)
            context.logger.info("console signed in", metadata: ["session": "\(session.id)"])
            var response = Self.redirect("/console")
            response.headers[.setCookie] = cookieHeader(cookie, maxAge: Int(sessionLifetime.inSeconds))
            return response
        } catch let failure as ConsoleSessions.SignInFailure {
            let locale = Self.locale(request)
            let words = ConsoleTexts.words(locale)
            switch failure {
            case .wrongToken:
                return page(
                    "login", ["error": words["wrongToken"] ?? ""], request: request, session: nil, status: .unauthorized
                )
            case .tooManyAttempts(let retry):
                var response = page(
                    "login", ["error": words["tooMany"] ?? ""], request: request, session: nil, status: .tooManyRequests
                )
                response.headers[.retryAfter] = String(retry)
                return response
            }
        }
    }

    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (_, cookie) = try await requirePost(request, context: context)
        try await sessions.signOut(cookie: cookie)
        var response = Self.redirect("/console/login")
        response.headers[.setCookie] = cookieHeader("", maxAge: 0)
        return response
    }

    // MARK: - Pages

    @Sendable func overview(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let switched = languageSwitch(request) { return switched }
        guard let session = try await session(request) else { return Self.redirect("/console/login") }
        let orders = domain.repositories.orders
        let midnight = domain.time.now() / 86_400_000 * 86_400_000
        let counts = try await orders.countsByStatus(since: midnight)
        let deliveries = try await orders.cardDeliveryCounts()
        let snapshot = try? await account.current()
        let words = ConsoleTexts.words(Self.locale(request))
        let webhooks = try await domain.repositories.webhooks.counts()
        let audit = await auditCheck.problem() ?? (words["intact"] ?? "")
        let values: [String: Any] = [
            "audit": audit,
            "statuses": OrderStatus.allCases.map { ["name": $0.rawValue, "count": counts[$0] ?? 0] },
            "pending": (deliveries[.pending] ?? 0) + (deliveries[.sending] ?? 0), "failed": deliveries[.failed] ?? 0,
            "balance": snapshot.map { "\($0.balance) DZD" } ?? (words["unknown"] ?? "?"),
            "keyType": snapshot?.keyType ?? (words["unknown"] ?? "?"), "sandbox": snapshot?.keyType == "SANDBOX",
            "webhooks": "\(webhooks[.pending] ?? 0) / \(webhooks[.failed] ?? 0) \(words["failed"] ?? "")",
        ]
        return page("overview", values, request: request, session: session)
    }

    @Sendable func orders(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let switched = languageSwitch(request) { return switched }
        guard let session = try await session(request) else { return Self.redirect("/console/login") }
        let query = request.uri.queryParameters
        let search: OrderSearch
        do {
            search = try OrderSearchQuery.parse(query)
        } catch {
            return page("orders", ["q": ""], request: request, session: session, status: .badRequest)
        }
        let listed = try await OrderListing(context: domain).page(search)
        let words = ConsoleTexts.words(Self.locale(request))
        let rows: [[String: Any]] = listed.orders.map { order in
            let states = (listed.deliveries[order.topupId] ?? []).filter { $0.purpose == .card }
            return [
                "id": order.topupId.rawValue, "href": "/console/orders/" + Self.pathSegment(order.topupId.rawValue),
                "created": Timestamp.iso8601(order.createdAt), "status": order.status.rawValue,
                "number": order.number ?? "-", "value": order.value.map { "\($0) DZD" } ?? "-",
                "deliveries": states.map { "\($0.channel.rawValue): \($0.state.rawValue)" }.joined(separator: ", "),
            ]
        }
        var next: String?
        if let cursor = listed.nextCursor {
            var components = URLComponents()
            components.queryItems =
                ["q", "status", "delivery"].compactMap { name in
                    query.get(name).map { URLQueryItem(name: name, value: String($0)) }
                } + [URLQueryItem(name: "cursor", value: cursor)]
            next = "/console/orders" + (components.string ?? "")
        }
        let values: [String: Any] = [
            "q": search.query ?? "", "orders": rows, "hasOrders": !rows.isEmpty, "next": next as Any,
            "statusOptions": OrderStatus.allCases.map { ["value": $0.rawValue, "selected": search.status == $0] },
            "deliveryOptions": [DeliveryState.pending, .failed, .delivered].map {
                ["value": $0.rawValue, "label": words[$0.rawValue] ?? $0.rawValue, "selected": search.delivery == $0]
            },
        ]
        return page("orders", values, request: request, session: session)
    }

    @Sendable func order(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let switched = languageSwitch(request) { return switched }
        guard let session = try await session(request) else { return Self.redirect("/console/login") }
        let words = ConsoleTexts.words(Self.locale(request))
        guard let id = TopupID(try context.parameters.require("id")),
            let view = try? await orders.show(id)
        else {
            return page(
                "orders", ["q": ""], request: request, session: session, status: .notFound, notice: words["notFound"])
        }
        let (order, deliveries) = (view.order, view.deliveries)
        let events = try await domain.trail.events(of: id)
        let values: [String: Any] = [
            "id": id.rawValue, "base": "/console/orders/" + Self.pathSegment(id.rawValue),
            "status": order.status.rawValue,
            "user": order.userId.rawValue, "number": order.number ?? "-",
            "value": order.value.map { "\($0) DZD" } ?? "-",
            "email": order.email.map { ContactRules.masked($0, channel: .email) } ?? "-",
            "phone": order.phone.map { ContactRules.masked($0, channel: .sms) } ?? "-",
            "created": Timestamp.iso8601(order.createdAt),
            "channels": DeliveryChannel.allCases.filter(availableChannels.contains).map(\.rawValue),
            "deliveries": deliveries.map { delivery -> [String: Any] in
                let contact = delivery.channel == .email ? order.email : order.phone
                return [
                    "channel": delivery.channel.rawValue, "purpose": delivery.purpose.rawValue,
                    "recipient": contact.map { ContactRules.masked($0, channel: delivery.channel) } ?? "-",
                    "state": delivery.state.rawValue, "attempts": delivery.attempts, "error": delivery.lastError ?? "",
                    "time": Timestamp.iso8601(delivery.deliveredAt ?? delivery.createdAt),
                ]
            },
            "events": events.map { record -> [String: Any] in
                [
                    "time": Timestamp.iso8601(record.at), "kind": record.event.kind.rawValue,
                    "actor": record.event.actor,
                    "details": record.event.details.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                        .joined(separator: " "),
                ]
            },
        ]
        let notice = request.uri.queryParameters.get("notice").flatMap { words[String($0)] }
        return page("order", values, request: request, session: session, notice: notice)
    }

    // MARK: - Actions

    @Sendable func resend(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (session, _, form, id) = try await action(request, context: context)
        let channel = form["channel"].flatMap(DeliveryChannel.init(rawValue:))
        do {
            _ = try await orders.resend(id, channel: channel, by: Self.requester(session, context))
            return Self.redirect(Self.orderPath(id) + "?notice=done")
        } catch is Resender.Refusal {
            return Self.redirect(Self.orderPath(id) + "?notice=notReady")
        }
    }

    @Sendable func check(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (session, _, _, id) = try await action(request, context: context)
        if try await orders.checkNow(id, by: Self.requester(session, context)).upstreamFailure != nil {
            return Self.redirect(Self.orderPath(id) + "?notice=checkFailed")
        }
        return Self.redirect(Self.orderPath(id) + "?notice=done")
    }

    @Sendable func contact(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (session, _, form, id) = try await action(request, context: context)
        let change = try ContactChange(
            email: form["email"].flatMap { $0.isEmpty ? nil : $0 },
            phone: form["phone"].flatMap { $0.isEmpty ? nil : $0 }
        ).validated()
        do {
            _ = try await correction.correct(
                id, change, actor: "console", requestID: context.requestID, clientRequestID: "session:" + session.id)
        } catch is ContactCorrection.Refused {
            return Self.redirect(Self.orderPath(id) + "?notice=contactRefused")
        }
        return Self.redirect(Self.orderPath(id) + "?notice=done")
    }

    // MARK: - Helpers

    /// The console's requester: a person, so explicit checks are not held to the API's cooldown.
    static func requester(_ session: ConsoleSessions.Session, _ context: AppRequestContext) -> MerchantOrders.Requester
    {
        MerchantOrders.Requester(
            actor: "console", requestID: context.requestID, clientRequestID: "session:" + session.id,
            session: session.id, limited: false)
    }

    /// A POST's session, checked CSRF token, form and order id; 403 without a session or token.
    private func action(_ request: Request, context: AppRequestContext) async throws -> (
        ConsoleSessions.Session, String, [String: String], TopupID
    ) {
        let (session, cookie, form) = try await requirePostWithForm(request, context: context)
        guard let id = TopupID(try context.parameters.require("id")) else {
            throw PublicError(.orderNotFound, "no such order")
        }
        return (session, cookie, form, id)
    }

    private func requirePost(_ request: Request, context: AppRequestContext) async throws -> (
        ConsoleSessions.Session, String
    ) {
        let (session, cookie, _) = try await requirePostWithForm(request, context: context)
        return (session, cookie)
    }

    private func requirePostWithForm(_ request: Request, context: AppRequestContext) async throws -> (
        ConsoleSessions.Session, String, [String: String]
    ) {
        let form = try await Self.form(request, context: context)
        guard let cookie = Self.cookie(Self.cookie, in: request),
            let session = try await sessions.session(cookie: cookie)
        else { throw PublicError(.forbidden, "sign in to the console first") }
        guard ConsoleSessions.csrfMatches(form["csrf"], session) else {
            throw PublicError(.forbidden, "the form's CSRF token is missing or wrong; reload the page")
        }
        return (session, cookie, form)
    }

    private func session(_ request: Request) async throws -> ConsoleSessions.Session? {
        guard let cookie = Self.cookie(Self.cookie, in: request) else { return nil }
        return try await sessions.session(cookie: cookie)
    }

    private func page(
        _ name: String, _ values: [String: Any], request: Request, session: ConsoleSessions.Session?,
        status: HTTPResponse.Status = .ok, notice: String? = nil
    ) -> Response {
        let html = ConsolePages.render(
            name, values, locale: Self.locale(request), csrf: session?.csrf, notice: notice)
        return Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                .contentSecurityPolicy: ConsolePages.policy, .referrerPolicy: "no-referrer", .frameOptions: "DENY",
                .xContentTypeOptions: "nosniff",
            ],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// `?lang=xx` sets the language cookie and comes back to the same page without the parameter.
    private func languageSwitch(_ request: Request) -> Response? {
        guard let raw = request.uri.queryParameters.get("lang"), let locale = CustomerLocale(rawValue: String(raw))
        else { return nil }
        var response = Self.redirect(request.uri.path)
        response.headers[.setCookie] =
            "\(Self.languageCookie)=\(locale.rawValue); Path=/console; Max-Age=31536000; SameSite=Strict"
            + (secureCookie ? "; Secure" : "")
        return response
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

    private func cookieHeader(_ value: String, maxAge: Int) -> String {
        "\(Self.cookie)=\(value); Path=/console; HttpOnly; SameSite=Strict; Max-Age=\(maxAge)"
            + (secureCookie ? "; Secure" : "")
    }

    static func cookie(_ name: String, in request: Request) -> String? {
        for field in request.headers[values: .cookie] {
            for pair in field.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name {
                    return String(parts[1]).trimmingCharacters(in: .whitespaces)
                }
            }
        }
        return nil
    }

    static func form(_ request: Request, context: AppRequestContext) async throws -> [String: String] {
        let buffer = try await request.body.collect(upTo: 16 * 1024)
        var fields: [String: String] = [:]
        for pair in String(buffer: buffer).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            if let name = parts.first { fields[name] = parts.count > 1 ? parts[1] : "" }
        }
        return fields
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    static func orderPath(_ id: TopupID) -> String { "/console/orders/" + pathSegment(id.rawValue) }

    static func pathSegment(_ raw: String) -> String {
        raw.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~")))
            ?? raw
    }
}
