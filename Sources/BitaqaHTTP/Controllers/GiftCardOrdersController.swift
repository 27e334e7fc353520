import BitaqaCore
import Hummingbird
import Orders

/// The merchant's gift-card routes: the cached catalogue, placing and registering orders, reading them
/// back, correcting a contact, resending and checking. Named by the shop's `ref` everywhere.
struct GiftCardOrdersController {
    let domain: DomainContext
    let giftCards: GiftCards
    let correction: ContactCorrection
    let resender: Resender
    let availableChannels: Set<DeliveryChannel>

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("gift-cards/catalog", use: catalog)
        group.get("gift-cards/products/{productId}", use: product)
        group.post("gift-card-orders", use: place)
        group.post("gift-card-orders/register", use: register)
        group.get("gift-card-orders", use: list)
        group.get("gift-card-orders/{ref}", use: show)
        group.patch("gift-card-orders/{ref}", use: correctContact)
        group.post("gift-card-orders/{ref}/resend", use: resend)
        group.post("gift-card-orders/{ref}/check", use: check)
    }

    @Sendable func catalog(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Product: Encodable {
            let id, title: String
            let enabled: Bool
            @NullEncoded var region: String?
        }
        struct Category: Encodable {
            let name: String
            let products: [Product]
        }
        struct Body: Encodable {
            let success = true
            let categories: [Category]
        }
        let catalog: GiftCardCatalog
        do throws(UpstreamError) {
            catalog = try await giftCards.catalogue.catalog()
        } catch {
            throw PublicError(upstream: error)
        }
        return try ResponseJSON.response(
            Body(
                categories: catalog.categories.map { category in
                    Category(
                        name: category.name,
                        products: category.products.map {
                            Product(id: $0.id, title: $0.title, enabled: $0.enabled, region: $0.region)
                        })
                }))
    }

    @Sendable func product(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct TypeBody: Encodable {
            let id, name: String
            let price: Double
            let stock: Int
        }
        struct Body: Encodable {
            let success = true
            let productId, title: String
            let types: [TypeBody]
        }
        let productId = try context.parameters.require("productId")
        let product: GiftCardProduct
        do throws(UpstreamError) {
            product = try await giftCards.catalogue.product(productId)
        } catch {
            if error.isNotFound { throw PublicError(.productNotFound, "no such gift-card product") }
            throw PublicError(upstream: error)
        }
        return try ResponseJSON.response(
            Body(
                productId: product.productId, title: product.title,
                types: product.types.map { TypeBody(id: $0.id, name: $0.name, price: $0.price, stock: $0.stock) }))
    }

    @Sendable func place(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await request.decode(as: GiftCardOrderRequest.self, context: context)
        let placed = try await giftCards.placement.place(
            try body.validated(availableChannels: availableChannels),
            by: MerchantOrdersController.requester(context), logger: context.logger)
        return try await respond(placed.order, status: placed.created ? .created : .ok)
    }

    @Sendable func register(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await request.decode(as: GiftCardRegistration.self, context: context)
        let placed = try await giftCards.placement.register(
            orderId: body.orderId, ref: body.ref, contact: try body.validated(availableChannels: availableChannels),
            by: MerchantOrdersController.requester(context))
        return try await respond(placed.order, status: placed.created ? .created : .ok)
    }

    /// `GET /v1/gift-card-orders?status=&userId=&q=&limit=&cursor=`: newest first.
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let parameters = request.uri.queryParameters
        var search = GiftCardSearch()
        if let raw = parameters.get("status") {
            guard let status = OrderStatus(rawValue: raw.uppercased()) else {
                throw PublicError.badRequest("status is not a gift-card order status")
            }
            search.status = status
        }
        if let raw = parameters.get("userId") {
            guard let userId = UserID(raw) else { throw PublicError.badRequest("userId is not a valid id") }
            search.userId = userId
        }
        if let raw = parameters.get("q"), !raw.isEmpty { search.text = String(raw.prefix(256)) }
        if let raw = parameters.get("limit") {
            guard let limit = Int(raw), (1...200).contains(limit) else {
                throw PublicError.badRequest("limit must be from 1 to 200")
            }
            search.limit = limit
        }
        if let raw = parameters.get("cursor") {
            guard let cursor = GiftCardCursor(text: raw) else { throw PublicError.badRequest("cursor is not valid") }
            search.after = cursor
        }
        let page = try await giftCards.page(search, context: domain)
        struct Body: Encodable {
            let success = true
            let orders: [GiftCardOrderResponse]
            @NullEncoded var nextCursor: String?
        }
        return try ResponseJSON.response(
            Body(
                orders: page.orders.map { GiftCardOrderResponse(order: $0, deliveries: page.deliveries[$0.key] ?? []) },
                nextCursor: page.nextCursor))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await respond(try await giftCards.find(try context.parameters.require("ref"), context: domain), status: .ok)
    }

    @Sendable func correctContact(_ request: Request, context: AppRequestContext) async throws -> Response {
        let order = try await giftCards.find(try context.parameters.require("ref"), context: domain)
        let change = try await request.decode(as: ContactChange.self, context: context).validated()
        guard
            try await correction.correct(
                order.key, change, actor: context.merchantActor, requestID: context.requestID,
                clientRequestID: context.clientRequestID) != nil
        else { throw PublicError(.orderNotFound, "no such gift-card order") }
        return try await respond(try await giftCards.find(order.details.ref, context: domain), status: .ok)
    }

    @Sendable func resend(_ request: Request, context: AppRequestContext) async throws -> Response {
        let order = try await giftCards.find(try context.parameters.require("ref"), context: domain)
        struct Body: ClosedJSONObject {
            static let fields: Set<String> = ["channel"]
            let channel: String?
        }
        let body = try await request.decode(as: Body.self, context: context)
        var channel: DeliveryChannel?
        if let raw = body.channel {
            guard let parsed = DeliveryChannel(rawValue: raw), availableChannels.contains(parsed) else {
                throw PublicError.badRequest("channel must be a configured one: email or sms")
            }
            channel = parsed
        }
        struct Queued: Encodable {
            let success = true
            let queued: [String]
        }
        let queued = try await resender.resend(
            order.key, channel: channel, actor: context.merchantActor, requestID: context.requestID,
            clientRequestID: context.clientRequestID)
        return try ResponseJSON.response(Queued(queued: queued.map(\.rawValue)), status: .accepted)
    }

    @Sendable func check(_ request: Request, context: AppRequestContext) async throws -> Response {
        let checked = try await giftCards.checkNow(
            try context.parameters.require("ref"), by: MerchantOrdersController.requester(context), context: domain)
        return try await respond(checked, status: .ok)
    }

    private func respond(_ order: GiftCardOrder, status: HTTPResponse.Status) async throws -> Response {
        let view = try await giftCards.view(order, context: domain)
        return try ResponseJSON.response(
            GiftCardOrderResponse(order: view.order, deliveries: view.deliveries), status: status)
    }
}
