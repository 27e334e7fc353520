import BitaqaCore
import Foundation
import Hummingbird
import Orders

/// The order list's filters as the console's query string has them: the API's (`q`, `status`,
/// `delivery`, `type`, `value`, `userId`), with `from` and `to` as Algiers days (`2026-12-07`, the end
/// day included) from `<input type="date">`.
enum ConsoleFilters {
    /// The filters a next page and the CSV link keep.
    static let kept = ["q", "status", "delivery", "type", "value", "from", "to", "userId"]

    static func search(_ query: Parameters) throws -> OrderSearch {
        var rest = Parameters()
        for (key, value) in query where key != "from" && key != "to" { rest.append(key: key, value: value) }
        var search = try OrderSearchQuery.parse(rest)
        for (name, endOfDay) in [("from", false), ("to", true)] {
            guard let raw = query.get(name), !raw.isEmpty else { continue }
            guard let start = DailyFigures.start(ofDate: String(raw)) else {
                throw PublicError.badRequest("\(name) must be a date such as 2026-12-07")
            }
            if endOfDay { search.to = start + DailyFigures.dayMillis - 1 } else { search.from = start }
        }
        return search
    }

    /// `?…` with the filters given (empty ones left out), and the cursor when there is one.
    static func queryString(_ query: Parameters, cursor: String?) -> String {
        var components = URLComponents()
        let items =
            kept.compactMap { name in
                query.get(name).flatMap { $0.isEmpty ? nil : URLQueryItem(name: name, value: String($0)) }
            } + (cursor.map { [URLQueryItem(name: "cursor", value: $0)] } ?? [])
        guard !items.isEmpty else { return "" }
        components.queryItems = items
        return components.percentEncodedQuery.map { "?" + $0.replacingOccurrences(of: "+", with: "%2B") } ?? ""
    }
}

/// Finding and acting on many orders: the CSV of the list's filters, a buyer's page, the bulk resend
/// and webhook retry after an outage, and the notes on an order. Each action is audited as its single
/// form is (`RESEND_REQUESTED`, `WEBHOOK_RETRY_REQUESTED`, `NOTE_ADDED`) with the session's actor.
struct ConsoleFindingController {
    let support: ConsoleSupport
    let domain: DomainContext
    let bulk: BulkActions

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("orders.csv", use: csv)
        group.get("buyers/{userId}", use: buyer)
        group.post("orders/resend-failed", use: resendFailed)
        group.post("webhooks/retry-failed", use: retryFailed)
        group.post("orders/{id}/notes", use: addNote)
    }

    /// The same CSV as `GET /v1/orders.csv` for the same filters (the console's dates as Algiers days).
    @Sendable func csv(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await support.signedIn(request) { _ in
            let search: OrderSearch
            do {
                search = try ConsoleFilters.search(request.uri.queryParameters)
            } catch {
                return ConsoleSupport.redirect("/console/orders")
            }
            return ExportsController.csv(
                try await ExportsController.ordersCSV(search, domain: domain), name: "orders.csv")
        }
    }

    @Sendable func buyer(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await support.signedIn(request) { session in
            let locale = ConsoleSupport.locale(request)
            guard let user = UserID(try context.parameters.require("userId")) else {
                return support.page(
                    ConsoleBuyerView(user: "-", orders: [], hasOrders: false), request: request, session: session,
                    status: .notFound)
            }
            var search = OrderSearch(limit: 100)
            search.userId = user
            if let cursor = request.uri.queryParameters.get("cursor") {
                search.after = OrderListing.position(String(cursor))
            }
            let listed = try await OrderListing(context: domain).page(search)
            let rows = listed.orders.map { ConsoleBuyerView.Row($0, locale: locale) }
            var view = ConsoleBuyerView(user: user.rawValue, orders: rows, hasOrders: !rows.isEmpty)
            view.next = listed.nextCursor.map { ConsoleOrderView.buyerPath(user) + "?cursor=" + $0 }
            view.path = ConsoleOrderView.buyerPath(user)
            return support.page(
                view, request: request, session: session,
                notice: ConsoleTexts.buyerNotice(request.uri.queryParameters, locale))
        }
    }

    @Sendable func resendFailed(_ request: Request, context: AppRequestContext) async throws -> Response {
        let post = try await support.post(request, context: context)
        let queued = try await bulk.resendFailedDeliveries(actor: post.session.actor, requestID: context.requestID)
        return ConsoleSupport.redirect("/console/orders?bulk=resent&count=\(queued.count)")
    }

    @Sendable func retryFailed(_ request: Request, context: AppRequestContext) async throws -> Response {
        let post = try await support.post(request, context: context)
        let retried = try await bulk.retryFailedWebhooks(
            actor: post.session.actor, requestID: context.requestID, session: post.session.id)
        return ConsoleSupport.redirect("/console/orders?bulk=retried&count=\(retried.count)")
    }

    @Sendable func addNote(_ request: Request, context: AppRequestContext) async throws -> Response {
        let post = try await support.post(request, context: context, as: ConsoleNoteForm.self)
        guard let id = TopupID(try context.parameters.require("id")) else {
            throw PublicError(.orderNotFound, "no such order")
        }
        do {
            _ = try await OrderNotes(context: domain).add(
                post.form.text ?? "", to: id, author: post.session.actor, requestID: context.requestID)
        } catch let error as PublicError where error.code == .badRequest {
            return ConsoleOrdersController.redirect(id, notice: "badNote")
        }
        return ConsoleOrdersController.redirect(id, notice: "noteAdded")
    }
}

/// `POST /console/orders/{id}/notes`.
struct ConsoleNoteForm: ConsoleActionForm {
    var csrf: String?
    var text: String?
}
