import BitaqaCore
import Hummingbird
import Orders

/// `POST /console/send`; every field as typed.
struct ConsoleSendForm: ConsoleActionForm {
    var csrf: String?
    var type: String?
    var number: String?
    var value: String?
    var userId: String?
    var email: String?
    var phone: String?
    var locale: String?
}

/// `/console/send`, the owner's: places a top-up as `POST /v1/orders/send` does (the number checked
/// first, the balance rule, the upstream's refusals), then shows the new order. A refusal comes back on
/// the page in the console's language, with what was typed.
struct ConsoleSendController {
    let support: ConsoleSupport
    let orders: MerchantOrders
    let availableChannels: Set<DeliveryChannel>

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("send", use: form)
        group.post("send", use: send)
    }

    @Sendable func form(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await support.signedIn(request) { session in
            try ConsoleSupport.requireRole(session, request, context)
            let type = request.uri.queryParameters.get("type").flatMap { CardType(rawValue: String($0)) } ?? .adsl
            let view = await self.view(type: type, request: request, chosen: nil)
            return support.page(view, request: request, session: session)
        }
    }

    @Sendable func send(_ request: Request, context: AppRequestContext) async throws -> Response {
        let post = try await support.post(request, context: context, as: ConsoleSendForm.self)
        let form = post.form
        let locale = ConsoleSupport.locale(request)
        let type = form.type.flatMap(CardType.init(rawValue:)) ?? .adsl
        func blank(_ text: String?) -> String? { text.flatMap { $0.isEmpty ? nil : $0 } }
        var failure: String
        do {
            let body = SendOrderRequest(
                type: type.rawValue, number: form.number ?? "", value: Int(form.value ?? "") ?? 0, ref: nil,
                userId: form.userId ?? "", email: blank(form.email), phone: blank(form.phone),
                locale: blank(form.locale), channels: nil)
            let (sendRequest, contact) = try body.validated(availableChannels: availableChannels)
            let registered = try await orders.place(
                sendRequest, contact: contact, by: ConsoleOrdersController.requester(post.session, context),
                logger: context.logger)
            return ConsoleSupport.redirect(ConsoleOrderView.path(registered.order.topupId) + "?notice=placed")
        } catch let refusal as any DomainRefusal {
            failure = Self.key(refusal.publicError)
        } catch is UpstreamError {
            failure = "sendUpstream"
        }
        var view = await self.view(type: type, request: request, chosen: Int(form.value ?? ""))
        view.number = form.number ?? ""
        view.value = form.value ?? ""
        view.userId = form.userId ?? ""
        view.email = form.email ?? ""
        view.phone = form.phone ?? ""
        view.error = ConsoleTexts.words(locale)[failure]
        return support.page(view, request: request, session: post.session, status: .unprocessableContent)
    }

    /// The page for `type`, its catalogue read (cached upstream for 60 s); without one, a typed value.
    private func view(type: CardType, request: Request, chosen: Int?) async -> ConsoleSendView {
        let locale = ConsoleSupport.locale(request)
        let catalogue = try? await orders.products(type)
        return ConsoleSendView(type: type, catalogue: catalogue, language: locale, chosen: chosen, locale: locale)
    }

    /// The word that explains a refusal.
    static func key(_ error: PublicError) -> String {
        switch error.code {
        case .invalidPhone: "sendBadNumber"
        case .outOfStock: "sendOutOfStock"
        case .insufficientBalance: "sendBalance"
        case .upstreamUnavailable, .serviceUnavailable: "sendUpstream"
        case .duplicatedRef: "sendDuplicate"
        default: "sendInvalid"
        }
    }
}
