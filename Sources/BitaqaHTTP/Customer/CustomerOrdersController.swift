import BitaqaCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Orders

/// The in-app display: a customer's orders and, for a fulfilled one, its card.
struct CustomerOrdersController {
    let orders: CustomerOrders
    let revealer: CardRevealer
    let settings: CustomerLimits
    /// Whose usage steps the card carries.
    let line: any SingleCodeLine

    func addRoutes(to group: RouterGroup<CustomerContext>) {
        group.get(use: list)
        group.get("{topupId}", use: show)
        group.get("{topupId}/card", use: card)
    }

    @Sendable func list(_ request: Request, context: CustomerContext) async throws -> Response {
        struct Body: Encodable {
            let success = true
            let orders: [CustomerOrder]
        }
        // Gift-card orders share the orders table; they are listed at `/api/gift-card-orders`.
        let list = try await orders.list(ownedBy: context.userID).filter { !GiftCardKey.isGiftCard($0.topupId) }
        return try ResponseJSON.response(Body(orders: list.map(CustomerOrder.init)))
    }

    @Sendable func show(_ request: Request, context: CustomerContext) async throws -> Response {
        let order = try await owned(request, context: context)
        return try ResponseJSON.response(CustomerOrder(order))
    }

    /// The card: ownership is part of the query, readiness is checked, the reveal is rate limited and
    /// audited before the response, and a failed audit write means no card.
    @Sendable func card(_ request: Request, context: CustomerContext) async throws -> Response {
        let order = try await owned(request, context: context)
        let viewer = CardRevealer.Viewer(
            userID: context.userID, address: context.remoteAddress, userAgent: request.headers[.userAgent],
            requestID: context.requestID, clientRequestID: context.clientRequestID, channel: "in-app"
        )
        let code = try await revealer.reveal(
            order, to: viewer, buckets: [("reveal:\(context.userID.rawValue)", settings.revealsPerUser)],
            logger: context.logger)
        let body = CardBody(
            topupId: order.topupId.rawValue, type: order.cardType?.rawValue, number: order.number, value: order.value,
            cardCode: code.revealForResponse, transactionNumber: order.transactionNumber,
            processedDate: order.processedDate,
            instructions: line.usageSteps(for: order)
        )
        return ResponseJSON.response(bytes: body.json(), headers: [.pragma: "no-cache"])
    }

    /// The caller's order; another's or a missing one is the same 404, and the former is audited.
    private func owned(_ request: Request, context: CustomerContext) async throws -> OrderRecord {
        let topupId = try context.parameters.require("topupId")
        // A gift-card key is never a top-up here, whoever owns it: the same 404, before any lookup, and
        // no on-demand check of it at the top-up upstream.
        if topupId.hasPrefix(GiftCardKey.prefix) { throw PublicError(.orderNotFound, "no such order") }
        return try await orders.owned(
            topupId, by: context.userID, requestID: context.requestID,
            clientRequestID: context.clientRequestID,
            client: context.remoteAddress, resource: request.uri.path.hasSuffix("/card") ? "card" : "order"
        )
    }

    struct CardBody: Encodable {
        let topupId: String
        @NullEncoded var type: String?
        @NullEncoded var number: String?
        @NullEncoded var value: Int?
        let cardCode: CardCode.Reveal
        @NullEncoded var transactionNumber: String?
        @NullEncoded var processedDate: String?
        let instructions: [String]

        /// What ``ResponseJSON`` would encode, written by hand: this body is the card API's hot path.
        func json() -> [UInt8] {
            var writer = JSONWriter()
            writer.beginObject()
            writer.key("cardCode")
            cardCode.withText { writer.string($0) }
            writer.key("instructions")
            writer.strings(instructions)
            writer.key("number")
            writer.string(number)
            writer.key("processedDate")
            writer.string(processedDate)
            writer.key("topupId")
            writer.string(topupId)
            writer.key("transactionNumber")
            writer.string(transactionNumber)
            writer.key("type")
            writer.string(type)
            writer.key("value")
            writer.int(value)
            writer.endObject()
            return writer.bytes
        }
    }

    /// An order as its buyer sees it: never the card, never the other buyers' data.
    struct CustomerOrder: Encodable {
        let topupId: String
        @NullEncoded var type: String?
        @NullEncoded var number: String?
        @NullEncoded var value: Int?
        let status: String
        @NullEncoded var transactionNumber: String?
        @NullEncoded var processedDate: String?
        let createdAt: String

        init(_ order: OrderRecord) {
            topupId = order.topupId.rawValue
            type = order.cardType?.rawValue
            number = order.number
            value = order.value
            status = order.status.rawValue
            transactionNumber = order.transactionNumber
            processedDate = order.processedDate
            createdAt = Timestamp.iso8601(order.createdAt)
        }
    }
}
