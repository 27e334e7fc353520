import Audit
import BitaqaCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import Storage

/// The merchant's order routes under `/v1`: register an order and read it back.
struct MerchantOrdersController {
    let store: Store
    let orders: SQLOrderRepository
    let audit: AuditTrail

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("orders", use: register)
        group.get("orders/{topupId}", use: show)
    }

    @Sendable func register(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await request.decode(as: OrderRegistration.self, context: context)
        let order = try body.validated()
        let now = Timestamp.nowMillis()
        let requestID = context.requestID
        // The order and its ORDER_REGISTERED event commit together or not at all.
        let outcome = try await store.transaction { [orders, audit] sql in
            let outcome = try await orders.register(order, now: now, firstCheckAt: now, in: sql)
            if case .created = outcome {
                try await audit.append(
                    AuditEvent(
                        .orderRegistered, topupId: order.topupId, actor: "merchant", requestID: requestID,
                        details: ["channels": order.channels.map(\.rawValue).joined(separator: ","), "locale": order.locale.rawValue]
                    ),
                    now: now, in: sql
                )
            }
            return outcome
        }
        switch outcome {
        case .created(let record):
            context.logger.info("order registered", metadata: ["topup_id": "\(record.topupId)"])
            return try await respond(record, status: .created, context: context)
        case .existing(let record):
            return try await respond(record, status: .ok, context: context)
        case .conflict:
            throw PublicError(.conflict, "this topupId is already registered with different details")
        case .refTaken:
            throw PublicError(.conflict, "this topupRef belongs to another order")
        }
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let raw = try context.parameters.require("topupId")
        guard let topupId = TopupID(raw), let record = try await orders.find(topupId) else {
            throw PublicError(.orderNotFound, "no such order")
        }
        return try await respond(record, status: .ok, context: context)
    }

    private func respond(_ record: OrderRecord, status: HTTPResponse.Status, context: AppRequestContext) async throws -> Response {
        let deliveries = try await orders.deliveries(of: record.topupId)
        let data = try JSONEncoder().encode(OrderResponse(order: record, deliveries: deliveries))
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}
