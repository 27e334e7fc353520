import BitaqaCore
import Foundation
import HTTPTypes
import Hummingbird
import Messaging
import Orders

/// The in-app display of gift-card orders (`/api/gift-card-orders`): a buyer's orders and, for one with
/// cards, every card that came. Mounted behind the same authentication and limits as the top-up routes.
struct GiftCardCustomerController {
    let orders: GiftCardCustomerOrders
    let settings: CustomerLimits

    func addRoutes(to group: RouterGroup<CustomerContext>) {
        group.get(use: list)
        group.get("{ref}", use: show)
        group.get("{ref}/cards", use: cards)
    }

    @Sendable func list(_ request: Request, context: CustomerContext) async throws -> Response {
        struct Body: Encodable {
            let success = true
            let orders: [CustomerGiftCardOrder]
        }
        let list = try await orders.list(ownedBy: context.userID)
        return try ResponseJSON.response(Body(orders: list.map(CustomerGiftCardOrder.init)))
    }

    @Sendable func show(_ request: Request, context: CustomerContext) async throws -> Response {
        try ResponseJSON.response(CustomerGiftCardOrder(try await owned(request, context: context, resource: "order")))
    }

    /// The cards: ownership is part of the lookup, readiness is checked, the view is rate limited and
    /// audited before the response, and a failed audit write means no card.
    @Sendable func cards(_ request: Request, context: CustomerContext) async throws -> Response {
        let order = try await owned(request, context: context, resource: "cards")
        let viewer = CardRevealer.Viewer(
            userID: context.userID, address: context.remoteAddress, userAgent: request.headers[.userAgent],
            requestID: context.requestID, clientRequestID: context.clientRequestID, channel: "in-app")
        let opened = try await orders.reveal(
            order, to: viewer, buckets: [("reveal:\(context.userID.rawValue)", settings.revealsPerUser)],
            logger: context.logger)
        let details = order.details
        let body = CardsBody(
            order: CustomerGiftCardOrder(order),
            cards: opened.map { CardsBody.Card(code: $0.code.revealForResponse, serial: $0.serial?.revealForResponse) },
            instructions: GiftCardRedemption.steps(
                productId: details.productId, title: details.productTitle, locale: order.order.locale))
        return try ResponseJSON.response(body, headers: [.pragma: "no-cache"])
    }

    private func owned(_ request: Request, context: CustomerContext, resource: String) async throws -> GiftCardOrder {
        try await orders.owned(
            try context.parameters.require("ref"), by: context.userID, requestID: context.requestID,
            clientRequestID: context.clientRequestID, client: context.remoteAddress, resource: resource)
    }

    /// A gift-card order as its buyer sees it: never a code, a serial, a price or another buyer's data.
    struct CustomerGiftCardOrder: Encodable {
        let ref: String
        let productTitle: String
        let typeName: String
        let quantity: Int
        @NullEncoded var fulfilledQuantity: Int?
        let status: String
        let createdAt: String

        init(_ order: GiftCardOrder) {
            ref = order.details.ref
            productTitle = order.details.productTitle
            typeName = order.details.typeName
            quantity = order.details.quantity
            fulfilledQuantity = order.details.fulfilledQuantity
            status = order.status.rawValue
            createdAt = Timestamp.iso8601(order.order.createdAt)
        }
    }

    /// The cards answer. Codes and serials are ``CardCode/Reveal``s, the one encodable form of a code
    /// that carries its text: anything else holding a code would encode the placeholder.
    struct CardsBody: Encodable {
        struct Card: Encodable {
            let code: CardCode.Reveal
            @NullEncoded var serial: CardCode.Reveal?
        }

        let order: CustomerGiftCardOrder
        let cards: [Card]
        let instructions: [String]

        enum CodingKeys: String, CodingKey {
            case ref, productTitle, typeName, quantity, fulfilledQuantity, status, cards, instructions
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(order.ref, forKey: .ref)
            try container.encode(order.productTitle, forKey: .productTitle)
            try container.encode(order.typeName, forKey: .typeName)
            try container.encode(order.quantity, forKey: .quantity)
            try container.encode(NullEncoded(wrappedValue: order.fulfilledQuantity), forKey: .fulfilledQuantity)
            try container.encode(order.status, forKey: .status)
            try container.encode(cards, forKey: .cards)
            try container.encode(instructions, forKey: .instructions)
        }
    }
}
