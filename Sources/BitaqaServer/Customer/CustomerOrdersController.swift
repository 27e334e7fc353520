import Audit
import BitaqaCore
import Delivery
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Storage

/// The in-app display: a customer's orders and, for a fulfilled one, its card.
struct CustomerOrdersController {
    let store: Store
    let revealer: CardRevealer
    let settings: CustomerSettings

    func addRoutes(to group: RouterGroup<CustomerContext>) {
        group.get(use: list)
        group.get("{topupId}", use: show)
        group.get("{topupId}/card", use: card)
    }

    @Sendable func list(_ request: Request, context: CustomerContext) async throws -> Response {
        let orders = try await SQLOrderRepository(store: store).orders(ownedBy: context.userID)
        return try Self.json(["success": AnyEncodable(true), "orders": AnyEncodable(orders.map(CustomerOrder.init))])
    }

    @Sendable func show(_ request: Request, context: CustomerContext) async throws -> Response {
        let order = try await owned(request, context: context)
        return try Self.json(CustomerOrder(order))
    }

    /// The card: ownership is part of the query, readiness is checked, the reveal is rate limited and
    /// audited before the response, and a failed audit write means no card.
    @Sendable func card(_ request: Request, context: CustomerContext) async throws -> Response {
        let order = try await owned(request, context: context)
        guard order.status == .fulfilled else { throw PublicError.notReady(order.status) }
        let viewer = CardRevealer.Viewer(
            userID: context.userID, address: context.remoteAddress, userAgent: request.headers[.userAgent],
            requestID: context.requestID, channel: "in-app"
        )
        let code = try await revealer.reveal(order, to: viewer, buckets: [("reveal:\(context.userID.rawValue)", settings.revealsPerUser)], logger: context.logger)
        let body = CardBody(
            topupId: order.topupId.rawValue, type: order.cardType?.rawValue, number: order.number, value: order.value,
            cardCode: code.revealForResponse, transactionNumber: order.transactionNumber, processedDate: order.processedDate,
            instructions: UsageInstructions.steps(for: order.cardType, locale: order.locale)
        )
        var response = try Self.json(body)
        response.headers[HTTPField.Name("Pragma")!] = "no-cache"
        return response
    }

    /// The caller's order; another's or a missing one is the same 404, and the former is audited.
    private func owned(_ request: Request, context: CustomerContext) async throws -> OrderRecord {
        let raw = try context.parameters.require("topupId")
        let notFound = PublicError(.orderNotFound, "no such order")
        guard let topupId = TopupID(raw) else { throw notFound }
        let orders = SQLOrderRepository(store: store)
        if let order = try await orders.find(topupId, ownedBy: context.userID) { return order }
        if try await orders.find(topupId) != nil {
            try await AuditTrail(store: store).append(
                AuditEvent(
                    .accessDenied, topupId: topupId, actor: context.userID.rawValue, requestID: context.requestID,
                    details: ["reason": "not_owner", "client": context.remoteAddress, "path": request.uri.path.hasSuffix("/card") ? "card" : "order"]
                ),
                now: Timestamp.nowMillis()
            )
        }
        throw notFound
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

    static func json(_ value: some Encodable) throws -> Response {
        let data = try ResponseJSON.encoder.encode(value)
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/json; charset=utf-8", .cacheControl: "no-store",
                HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}
