import BitaqaCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `/v3/gift-cards/*` as the reference describes them, behind the same key check, faults and envelope
/// as the internet routes.
struct SandboxGiftCardRoutes {
    let state: SandboxState
    let giftCards: SandboxGiftCards

    func add(to group: RouterGroup<BasicRequestContext>) {
        group.get("gift-cards/catalog") { _, _ in
            let products = await giftCards.products
            let categories = giftCards.categories.map { category in
                [
                    "name": category.name,
                    "products": category.productIDs.compactMap { products[$0] }.map { product in
                        var listing: [String: Any] = [
                            "id": product.id, "title": product.title, "enabled": product.enabled,
                        ]
                        listing["region"] = product.region
                        return listing
                    },
                ] as [String: Any]
            }
            return SandboxReply.json(
                .ok,
                [
                    "success": true, "data": ["categories": categories],
                    "meta": [
                        "timestamp": Date().formatted(.iso8601), "totalCategories": categories.count,
                        "totalProducts": products.count,
                    ],
                    "requestId": SandboxReply.requestID(),
                ])
        }
        group.get("gift-cards/checkProduct/{productId}") { _, context in
            let id = try context.parameters.require("productId")
            guard let product = await giftCards.products[id] else {
                return SandboxReply.error(.notFound, "PRODUCT_NOT_FOUND", "Product '\(id.prefix(60))' not found")
            }
            return SandboxReply.ok([
                "productId": product.id, "productTitle": product.title,
                "types": product.types.map {
                    ["id": $0.id, "name": $0.name, "price": $0.price, "quantity": $0.stock] as [String: Any]
                },
            ])
        }
        group.post("gift-cards/placeOrder", use: placeOrder)
        group.get("gift-cards/checkOrder/{orderId}") { _, context in
            let id = try context.parameters.require("orderId")
            guard let order = await giftCards.order(id) else {
                return SandboxReply.error(.notFound, "NOT_FOUND", "Order '\(id.prefix(40))' not found")
            }
            return SandboxReply.ok(await describe(order))
        }
        group.get("gift-cards/list") { request, _ in
            let list: SandboxRoutes.ListQuery
            switch SandboxRoutes.listQuery(request) {
            case .success(let value): list = value
            case .failure(let bad): return bad.reply
            }
            let (page, size) = (list.page, list.size)
            let (orders, total) = await giftCards.page(page, size: size, from: list.from, to: list.to)
            var items: [[String: Any]] = []
            for order in orders { items.append(await describe(order)) }
            return SandboxReply.ok([
                "items": items,
                "pagination": [
                    "page": page, "pageSize": size, "totalPages": max(1, (total + size - 1) / size),
                    "totalResults": total,
                ],
            ])
        }
    }

    @Sendable func placeOrder(_ request: Request, context: BasicRequestContext) async throws -> Response {
        if await giftCards.takeUnavailable() {
            return SandboxReply.error(.serviceUnavailable, "SERVICE_UNAVAILABLE", "Service temporarily unavailable")
        }
        let buffer = try await request.body.collect(upTo: 64 * 1024)
        guard let body = (try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))) as? [String: Any],
            let productId = body["productId"] as? String, let typeId = body["typeId"] as? String,
            let number = body["quantity"] as? NSNumber, Double(number.intValue) == number.doubleValue
        else {
            return SandboxReply.error(
                .badRequest, "ERR_VALIDATION", "productId, typeId and an integer quantity are required")
        }
        let order: SandboxGiftCards.Order
        do {
            order = try await giftCards.place(
                productId: productId, typeId: typeId, quantity: number.intValue, account: state)
        } catch {
            switch error {
            case .invalid(let reason):
                return SandboxReply.error(.badRequest, "ERR_VALIDATION", reason)
            case .outOfStock(let available):
                return SandboxReply.error(
                    .badRequest, "ERR_STOCK", "Not enough cards in stock", details: ["available": available])
            case .insufficientBalance(let required):
                return SandboxReply.error(
                    .forbidden, "INSUFFICIENT_BALANCE", "Insufficient balance",
                    details: ["required": required, "available": await state.balance])
            }
        }
        if await giftCards.takeLostAnswer() { return Self.lostAnswer }
        return SandboxReply.ok(["orderId": order.id])
    }

    /// A 200 head whose body never comes: the connection is closed after the head, so the client sees
    /// the connection drop (`remoteConnectionClosed`) after its request was carried out.
    static var lostAnswer: Response {
        Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: ResponseBody { _ in throw AnswerLost() })
    }

    struct AnswerLost: Error {}

    /// The order as `checkOrder` and the list show it at this moment; the cards only once resolved.
    func describe(_ order: SandboxGiftCards.Order) async -> [String: Any] {
        let now = Date()
        let refund = await giftCards.refundDue(order, now: now)
        if refund > 0 { await state.credit(refund) }
        var object: [String: Any] = [
            "_id": order.id, "status": "HANDLING", "quantity": order.quantity,
            "product": ["_id": order.productId, "title": order.productTitle],
            "type": ["_id": order.typeId, "name": order.typeName],
            "time": Timestamp.iso8601(Int64((order.createdAt.timeIntervalSince1970 * 1000).rounded())),
        ]
        guard now >= order.resolvesAt else { return object }
        object["status"] = order.outcome
        object["fulfilled_quantity"] = order.cards.count
        object["price_per_card"] = order.price
        object["fulfilled_amount"] = order.price * Double(order.cards.count)
        object["cards"] = order.cards.map { ["value": $0.value, "serial": $0.serial] }
        return object
    }
}
