import Audit
import BitaqaCore
import Foundation
import Hummingbird
import Orders

/// `/console/gift-cards`: the list and search of gift-card orders, one order, and what a merchant may do
/// to it: resend its cards, check it now, correct a contact (support and owner), and settle an
/// `UNCERTAIN` order with one of its candidates (owner). Each action is audited by the use case it calls,
/// with the session's actor and id; each comes back to the order's page with what happened.
struct ConsoleGiftCardsController {
    let support: ConsoleSupport
    let domain: DomainContext
    /// Nil where this server has no gift-card line: the list says so, and no order is found.
    let giftCards: GiftCards?
    let correction: ContactCorrection
    /// The channels this process delivers on: the resend form offers only these.
    let availableChannels: Set<DeliveryChannel>

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("gift-cards", use: list)
        group.get("gift-cards/{ref}", use: order)
        group.post("gift-cards/{ref}/resend", use: resend)
        group.post("gift-cards/{ref}/check", use: check)
        group.post("gift-cards/{ref}/contact", use: contact)
        group.post("gift-cards/{ref}/settle", use: settle)
    }

    // MARK: - Pages

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await support.signedIn(request) { session in
            let query = request.uri.queryParameters
            let locale = ConsoleSupport.locale(request)
            let search = ConsoleGiftCardFilters.search(query)
            var view = ConsoleGiftCardsView(status: search?.status, locale: locale)
            view.q = query.get("q").map { String($0) } ?? ""
            guard let giftCards else {
                view.enabled = false
                return support.page(view, request: request, session: session)
            }
            guard let search else {
                view.error = ConsoleTexts.words(locale)["gcBadFilters"]
                return support.page(view, request: request, session: session, status: .badRequest)
            }
            let listed = try await giftCards.page(search, context: domain)
            view.orders = listed.orders.map { ConsoleGiftCardsView.Row($0, locale: locale) }
            view.hasOrders = !view.orders.isEmpty
            view.next = listed.nextCursor.map {
                "/console/gift-cards" + ConsoleGiftCardFilters.queryString(query, cursor: $0)
            }
            return support.page(view, request: request, session: session)
        }
    }

    @Sendable func order(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await support.signedIn(request) { session in
            guard let giftCards, let order = try await find(context) else {
                return notFound(request, session: session)
            }
            let locale = ConsoleSupport.locale(request)
            let shown = try await giftCards.view(order, context: domain)
            var view = ConsoleGiftCardView(
                shown.order, deliveries: shown.deliveries, events: try await domain.trail.events(of: order.key),
                sealed: try await domain.repositories.giftCards.cards(ofRef: order.details.ref).count,
                availableChannels: availableChannels, locale: locale)
            let (notice, problem) = ConsoleTexts.giftCardNotice(
                request.uri.queryParameters.get("notice").map { String($0) }, status: order.status, locale)
            view.problem = problem
            return support.page(view, request: request, session: session, notice: notice)
        }
    }

    // MARK: - Actions

    @Sendable func resend(_ request: Request, context: AppRequestContext) async throws -> Response {
        let post = try await support.post(request, context: context, as: ConsoleResendForm.self)
        guard giftCards != nil, let order = try await find(context) else {
            return notFound(request, session: post.session)
        }
        var channel: DeliveryChannel?
        if let raw = post.form.channel, !raw.isEmpty {
            guard let parsed = DeliveryChannel(rawValue: raw), availableChannels.contains(parsed) else {
                return Self.redirect(order, notice: "why_noChannel")
            }
            channel = parsed
        }
        do {
            _ = try await Resender(context: domain).resend(
                order.key, channel: channel, actor: post.session.actor, requestID: context.requestID,
                clientRequestID: "session:" + post.session.id)
            return Self.redirect(order, notice: "gcResent")
        } catch let refusal as Resender.Refusal {
            return Self.redirect(order, notice: ConsoleTexts.notice(for: refusal))
        }
    }

    @Sendable func check(_ request: Request, context: AppRequestContext) async throws -> Response {
        let post = try await support.post(request, context: context)
        guard let giftCards, let order = try await find(context) else {
            return notFound(request, session: post.session)
        }
        do {
            _ = try await giftCards.checkNow(
                order.details.ref, by: ConsoleOrdersController.requester(post.session, context), context: domain)
        } catch is PublicError {
            // The upstream did not answer, or answered with an error: the page says so, as for a top-up.
            return Self.redirect(order, notice: "checkFailed")
        }
        return Self.redirect(order, notice: "checked")
    }

    @Sendable func contact(_ request: Request, context: AppRequestContext) async throws -> Response {
        let post = try await support.post(request, context: context, as: ConsoleContactForm.self)
        guard giftCards != nil, let order = try await find(context) else {
            return notFound(request, session: post.session)
        }
        let change: ContactCorrection.Change
        do {
            change = try ContactChange(
                email: post.form.email.flatMap { $0.isEmpty ? nil : $0 },
                phone: post.form.phone.flatMap { $0.isEmpty ? nil : $0 }
            ).validated()
        } catch {
            return Self.redirect(order, notice: ConsoleTexts.notice(forContact: error))
        }
        do {
            _ = try await correction.correct(
                order.key, change, actor: post.session.actor, requestID: context.requestID,
                clientRequestID: "session:" + post.session.id)
        } catch is ContactCorrection.Refused {
            return Self.redirect(order, notice: "contactRefused")
        }
        return Self.redirect(order, notice: "done")
    }

    /// "This is the one": registers the chosen candidate's `orderId` for the order's ref, as
    /// `POST /v1/gift-card-orders/register` does; only for an `UNCERTAIN` order and one of its candidates.
    @Sendable func settle(_ request: Request, context: AppRequestContext) async throws -> Response {
        let post = try await support.post(request, context: context, as: ConsoleSettleForm.self)
        guard let giftCards, let order = try await find(context) else {
            return notFound(request, session: post.session)
        }
        let orderId = post.form.orderId?.trimmingCharacters(in: .whitespaces) ?? ""
        guard order.status == .uncertain, order.details.candidates.contains(where: { $0.orderId == orderId }) else {
            return Self.redirect(order, notice: "gcSettleRefused")
        }
        let record = order.order
        do {
            _ = try await giftCards.placement.register(
                orderId: orderId, ref: order.details.ref,
                contact: OrderRegistrar.Contact(
                    userId: record.userId, email: record.email, phone: record.phone, locale: record.locale,
                    channels: record.channels),
                by: ConsoleOrdersController.requester(post.session, context))
        } catch is PublicError {
            return Self.redirect(order, notice: "gcSettleRefused")
        }
        return Self.redirect(order, notice: "gcSettled")
    }

    // MARK: - Helpers

    /// The order the path's `{ref}` names; nil for an unknown one.
    private func find(_ context: AppRequestContext) async throws -> GiftCardOrder? {
        let raw = try context.parameters.require("ref")
        return try await domain.repositories.giftCards.find(ref: raw.removingPercentEncoding ?? raw)
    }

    /// The console's own 404: the list's search form, saying the order is not there.
    private func notFound(_ request: Request, session: ConsoleSessions.Session?) -> Response {
        let locale = ConsoleSupport.locale(request)
        var view = ConsoleGiftCardsView(status: nil, locale: locale)
        view.enabled = giftCards != nil
        view.error = ConsoleTexts.words(locale)["gcNotFound"]
        return support.page(view, request: request, session: session, status: .notFound)
    }

    /// Back to the order's page, with the notice that says how the action went.
    static func redirect(_ order: GiftCardOrder, notice: String) -> Response {
        ConsoleSupport.redirect(ConsoleGiftCardView.path(order.details.ref) + "?notice=" + notice)
    }
}

/// `POST /console/gift-cards/{ref}/settle`: the candidate's upstream id.
struct ConsoleSettleForm: ConsoleActionForm {
    var csrf: String?
    var orderId: String?
}

/// The gift-card list's filters as the console's query string has them: `q` (a ref, an OneClickDz id,
/// an email in any case or a phone in any spelling), `status`, `limit` and the `cursor` of a next page.
enum ConsoleGiftCardFilters {
    /// The filters a next page keeps.
    static let kept = ["q", "status", "limit"]

    /// The search, or nil when a filter cannot be read.
    static func search(_ query: Parameters) -> GiftCardSearch? {
        var search = GiftCardSearch()
        if let raw = query.get("q") {
            let text = raw.trimmingCharacters(in: .whitespaces)
            if !text.isEmpty { search.text = String(text.prefix(256)) }
        }
        if let raw = query.get("status"), !raw.isEmpty {
            guard let status = OrderStatus(rawValue: raw.uppercased()),
                ConsoleGiftCardsView.statuses.contains(status)
            else { return nil }
            search.status = status
        }
        if let raw = query.get("limit"), !raw.isEmpty {
            guard let limit = Int(raw), (1...200).contains(limit) else { return nil }
            search.limit = limit
        }
        if let raw = query.get("cursor"), !raw.isEmpty {
            guard let cursor = GiftCardCursor(text: String(raw)) else { return nil }
            search.after = cursor
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
