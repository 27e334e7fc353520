import Audit
import BitaqaCore
import Hummingbird
import Logging
import Orders

/// The merchant's order routes under `/v1`: register an order, send one, read it back, resend its card,
/// and the upstream catalogue. Each handler decodes, calls a use case, and encodes the answer.
struct MerchantOrdersController {
    let domain: DomainContext
    let orders: MerchantOrders
    let registrar: OrderRegistrar
    let correction: ContactCorrection
    let availableChannels: Set<DeliveryChannel>
    /// The upstream balance and key type, kept briefly.
    let account: UpstreamAccount

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("orders", use: register)
        group.get("orders", use: list)
        group.post("orders/send", use: send)
        group.get("orders/{topupId}", use: show)
        group.patch("orders/{topupId}", use: correctContact)
        group.post("orders/{topupId}/resend", use: resend)
        group.post("orders/{topupId}/check", use: check)
        group.get("products", use: listProducts)
        group.get("account", use: showAccount)
    }

    @Sendable func register(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await request.decode(as: OrderRegistration.self, context: context)
        let order = try body.validated(availableChannels: availableChannels)
        let registered = try await registrar.register(
            order, event: .orderRegistered, actor: context.merchantActor, requestID: context.requestID,
            clientRequestID: context.clientRequestID)
        return try await respond(registered, context: context)
    }

    /// Validates, places the top-up upstream with a unique `ref` (after the balance rule), and registers it.
    @Sendable func send(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await request.decode(as: SendOrderRequest.self, context: context)
        let (sendRequest, contact) = try body.validated(availableChannels: availableChannels)
        let registered = try await orders.place(
            sendRequest, contact: contact, by: Self.requester(context), logger: context.logger)
        return try await respond(registered, context: context)
    }

    /// The API's requester: the merchant, its explicit checks held to the cooldown.
    static func requester(_ context: AppRequestContext) -> MerchantOrders.Requester {
        MerchantOrders.Requester(
            actor: context.merchantActor, requestID: context.requestID, clientRequestID: context.clientRequestID,
            session: nil,
            limited: true)
    }

    /// `GET /v1/account`: the upstream balance in DZD and the key's type.
    @Sendable func showAccount(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Body: Encodable {
            let success = true
            let balance: Double
            let currency = "DZD"
            let keyType: String
        }
        let snapshot: UpstreamAccount.Snapshot
        do {
            snapshot = try await account.current()
        } catch {
            context.logger.info("upstream account not read", metadata: ["error": "\(error)"])
            throw PublicError(.upstreamUnavailable, "OneClickDz did not answer; try again shortly")
        }
        return try ResponseJSON.response(Body(balance: snapshot.balance, keyType: snapshot.keyType))
    }

    /// `GET /v1/orders?status=&delivery=&userId=&q=&from=&to=&limit=&cursor=`: newest first.
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let search = try OrderSearchQuery.parse(request.uri.queryParameters)
        let page = try await OrderListing(context: domain).page(search)
        return ResponseJSON.response(
            bytes: OrderResponse.listJSON(
                page.orders.map { OrderResponse(order: $0, deliveries: page.deliveries[$0.topupId] ?? []) },
                nextCursor: page.nextCursor))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let topupId = TopupID(try context.parameters.require("topupId")) else {
            throw PublicError(.orderNotFound, "no such order")
        }
        return try Self.respond(try await orders.show(topupId), status: .ok)
    }

    /// Corrects a buyer's email or phone: validated like registration, bound anew, audited.
    @Sendable func correctContact(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let topupId = TopupID(try context.parameters.require("topupId")) else {
            throw PublicError(.orderNotFound, "no such order")
        }
        let body = try await request.decode(as: ContactChange.self, context: context)
        let change = try body.validated()
        let corrected = try await correction.correct(
            topupId, change, actor: context.merchantActor, requestID: context.requestID,
            clientRequestID: context.clientRequestID)
        guard let order = corrected else { throw PublicError(.orderNotFound, "no such order") }
        context.logger.info("order contact corrected", metadata: ["topup_id": "\(topupId)"])
        return try await respond(order, status: .ok)
    }

    /// Checks the order upstream now: 200 with the order after the check (as it is when it is final or
    /// another process is checking it at this moment), 502 when the upstream fails.
    @Sendable func check(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let topupId = TopupID(try context.parameters.require("topupId")) else {
            throw PublicError(.orderNotFound, "no such order")
        }
        let checked = try await orders.checkNow(topupId, by: Self.requester(context))
        if let error = checked.upstreamFailure {
            context.logger.info(
                "on-request check failed upstream", metadata: ["topup_id": "\(topupId)", "error": "\(error)"])
            throw PublicError(.upstreamUnavailable, "OneClickDz did not answer the check; it is retried on schedule")
        }
        return try Self.respond(checked.view, status: .ok)
    }

    /// Queues the card again on a channel: a deliberate new attempt, audited.
    @Sendable func resend(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let topupId = TopupID(try context.parameters.require("topupId")) else {
            throw PublicError(.orderNotFound, "no such order")
        }
        struct Body: ClosedJSONObject {
            static let fields: Set<String> = ["channel"]
            let channel: String?
        }
        let body = try await request.decode(as: Body.self, context: context)
        var channel: DeliveryChannel?
        if let raw = body.channel {
            guard let parsed = DeliveryChannel(rawValue: raw) else {
                throw PublicError.badRequest("channel must be email or sms")
            }
            guard availableChannels.contains(parsed) else {
                throw PublicError.badRequest("the \(raw) channel is not configured")
            }
            channel = parsed
        }
        struct Queued: Encodable {
            let success = true
            let queued: [String]
        }
        let queued = try await orders.resend(topupId, channel: channel, by: Self.requester(context))
        return try ResponseJSON.response(Queued(queued: queued.map(\.rawValue)), status: .accepted)
    }

    /// The upstream catalogue of one card type, cached for a minute.
    @Sendable func listProducts(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let raw = request.uri.queryParameters.get("type"), let type = CardType(rawValue: String(raw)) else {
            throw PublicError.badRequest("the query parameter type must be ADSL or 4G")
        }
        let list: [Product]
        do throws(UpstreamError) {
            list = try await orders.products(type)
        } catch {
            throw PublicError(upstream: error)
        }
        struct Body: Encodable {
            let success = true
            let type: String
            let products: [Product]
        }
        return try ResponseJSON.response(Body(type: type.rawValue, products: list))
    }

    private func respond(_ registered: OrderRegistrar.Registered, context: AppRequestContext) async throws -> Response {
        if registered.created {
            context.logger.info("order registered", metadata: ["topup_id": "\(registered.order.topupId)"])
        }
        return try await respond(registered.order, status: registered.created ? .created : .ok)
    }

    private func respond(_ record: OrderRecord, status: HTTPResponse.Status) async throws -> Response {
        try Self.respond(try await orders.view(record), status: status)
    }

    private static func respond(_ view: MerchantOrders.View, status: HTTPResponse.Status) throws -> Response {
        try ResponseJSON.response(OrderResponse(order: view.order, deliveries: view.deliveries), status: status)
    }
}
