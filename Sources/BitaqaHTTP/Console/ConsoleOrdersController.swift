import Audit
import BitaqaCore
import Foundation
import Hummingbird
import Orders

/// `/console/orders`: the search, one order, and what a merchant may do to it (resend the card, check
/// it now, correct a contact), each audited with the actor `console` and the session's id.
struct ConsoleOrdersController {
    let support: ConsoleSupport
    let domain: DomainContext
    let orders: MerchantOrders
    let correction: ContactCorrection
    /// The channels this process delivers on: the resend form offers only these.
    let availableChannels: Set<DeliveryChannel>

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("orders", use: list)
        group.get("orders/{id}", use: order)
        group.post("orders/{id}/resend", use: resend)
        group.post("orders/{id}/check", use: check)
        group.post("orders/{id}/contact", use: contact)
    }

    // MARK: - Pages

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await support.signedIn(request) { session in
            let query = request.uri.queryParameters
            let locale = ConsoleSupport.locale(request)
            let search: OrderSearch
            do {
                search = try ConsoleFilters.search(query)
            } catch {
                var view = ConsoleOrdersView.empty
                view.error = ConsoleTexts.words(locale)["badFilters"]
                return support.page(view, request: request, session: session, status: .badRequest)
            }
            let listed = try await OrderListing(context: domain).page(search)
            let next = listed.nextCursor.map {
                "/console/orders" + ConsoleFilters.queryString(query, cursor: $0)
            }
            let rows = listed.orders.map {
                ConsoleOrdersView.Row($0, deliveries: listed.deliveries[$0.topupId] ?? [], locale: locale)
            }
            var view = ConsoleOrdersView(
                q: search.query ?? "", orders: rows, hasOrders: !rows.isEmpty, next: next,
                statusOptions: OrderStatus.allCases.map {
                    .init(value: $0.rawValue, label: ConsoleTerms.status($0, locale), selected: search.status == $0)
                },
                deliveryOptions: [DeliveryState.pending, .failed, .delivered].map {
                    .init(
                        value: $0.rawValue, label: ConsoleTerms.state($0, locale), selected: search.delivery == $0)
                })
            view.typeOptions = CardType.allCases.map {
                .init(value: $0.rawValue, label: $0.rawValue, selected: search.type == $0)
            }
            view.value = search.value.map(String.init) ?? ""
            view.from = query.get("from").map { String($0) } ?? ""
            view.to = query.get("to").map { String($0) } ?? ""
            view.csv = "/console/orders.csv" + ConsoleFilters.queryString(query, cursor: nil)
            let bulk = ConsoleTexts.bulkNotice(query, locale)
            return support.page(view, request: request, session: session, notice: bulk)
        }
    }

    @Sendable func order(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await support.signedIn(request) { session in
            let words = ConsoleSupport.words(request)
            guard let id = TopupID(try context.parameters.require("id")),
                let shown = try? await orders.show(id)
            else {
                return support.page(
                    ConsoleOrdersView.empty, request: request, session: session, status: .notFound,
                    notice: words["notFound"])
            }
            let events = try await domain.trail.events(of: id)
            let locale = ConsoleSupport.locale(request)
            var view = ConsoleOrderView(
                shown.order, deliveries: shown.deliveries, events: events, availableChannels: availableChannels,
                locale: locale)
            let (notice, problem) = ConsoleTexts.orderNotice(
                request.uri.queryParameters.get("notice").map { String($0) }, status: shown.order.status, locale)
            view.problem = problem
            view.notes = try await OrderNotes(context: domain).notes(of: id).map {
                .init(time: ConsoleTerms.time($0.createdAt, locale), author: $0.author, text: $0.text)
            }
            view.hasNotes = !view.notes.isEmpty
            return support.page(view, request: request, session: session, notice: notice)
        }
    }

    // MARK: - Actions

    @Sendable func resend(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (post, id) = try await action(request, context: context, as: ConsoleResendForm.self)
        let channel = post.form.channel.flatMap(DeliveryChannel.init(rawValue:))
        do {
            _ = try await orders.resend(id, channel: channel, by: Self.requester(post.session, context))
            return Self.redirect(id, notice: "done")
        } catch let refusal as Resender.Refusal {
            return Self.redirect(id, notice: ConsoleTexts.notice(for: refusal))
        }
    }

    @Sendable func check(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (post, id) = try await action(request, context: context, as: ConsoleCSRFForm.self)
        if try await orders.checkNow(id, by: Self.requester(post.session, context)).upstreamFailure != nil {
            return Self.redirect(id, notice: "checkFailed")
        }
        return Self.redirect(id, notice: "checked")
    }

    @Sendable func contact(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (post, id) = try await action(request, context: context, as: ConsoleContactForm.self)
        let change: ContactCorrection.Change
        do {
            change = try ContactChange(
                email: post.form.email.flatMap { $0.isEmpty ? nil : $0 },
                phone: post.form.phone.flatMap { $0.isEmpty ? nil : $0 }
            ).validated()
        } catch {
            return Self.redirect(id, notice: ConsoleTexts.notice(forContact: error))
        }
        do {
            _ = try await correction.correct(
                id, change, actor: post.session.actor, requestID: context.requestID,
                clientRequestID: "session:" + post.session.id)
        } catch is ContactCorrection.Refused {
            return Self.redirect(id, notice: "contactRefused")
        }
        return Self.redirect(id, notice: "done")
    }

    /// An action's checked POST and the order it names; 403 without a session or its CSRF token.
    private func action<Form: ConsoleActionForm>(
        _ request: Request, context: AppRequestContext, as form: Form.Type
    ) async throws -> (ConsoleSupport.Post<Form>, TopupID) {
        let post = try await support.post(request, context: context, as: form)
        guard let id = TopupID(try context.parameters.require("id")) else {
            throw PublicError(.orderNotFound, "no such order")
        }
        return (post, id)
    }

    /// The console's requester: a person, so explicit checks are not held to the API's cooldown.
    static func requester(_ session: ConsoleSessions.Session, _ context: AppRequestContext) -> MerchantOrders.Requester
    {
        MerchantOrders.Requester(
            actor: session.actor, requestID: context.requestID, clientRequestID: "session:" + session.id,
            session: session.id, limited: false)
    }

    /// Back to the order's page, with the notice that says how the action went.
    static func redirect(_ id: TopupID, notice: String) -> Response {
        ConsoleSupport.redirect(ConsoleOrderView.path(id) + "?notice=" + notice)
    }
}
