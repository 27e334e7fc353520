import Audit
import BitaqaCore
import Delivery
import Foundation
import OneClickDZ
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
    let upstream: OneClickDZClient
    let availableChannels: Set<DeliveryChannel>
    let products: ProductCache
    /// Milliseconds from registration to the first status check.
    var firstCheckDelay: Int64 = 0

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("orders", use: register)
        group.post("orders/send", use: send)
        group.get("orders/{topupId}", use: show)
        group.post("orders/{topupId}/resend", use: resend)
        group.get("products", use: listProducts)
    }

    @Sendable func register(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await request.decode(as: OrderRegistration.self, context: context)
        let order = try body.validated(availableChannels: availableChannels)
        return try await store(order, event: .orderRegistered, context: context)
    }

    /// Validates, places the top-up upstream with a unique `ref`, and registers it.
    @Sendable func send(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await request.decode(as: SendOrderRequest.self, context: context)
        let (sendRequest, contact) = try body.validated(availableChannels: availableChannels)
        let result: SendResult
        do throws(UpstreamError) {
            result = try await upstream.send(sendRequest)
        } catch {
            context.logger.info("upstream refused a send", metadata: ["error": "\(error)"])
            throw PublicError(upstream: error)
        }
        guard let topupId = TopupID(result.topupId) else {
            throw PublicError(.upstreamUnavailable, "OneClickDz answered with an unusable topupId")
        }
        var order = NewOrder(
            topupId: topupId, topupRef: result.topupRef, userId: contact.userId, cardType: sendRequest.type,
            number: sendRequest.number, value: sendRequest.value, email: contact.email, phone: contact.phone,
            locale: contact.locale, channels: contact.channels, fingerprint: ""
        )
        order.fingerprint = OrderRegistration.fingerprint(of: order)
        return try await store(order, event: .orderSent, context: context)
    }

    private func store(_ order: NewOrder, event: AuditKind, context: AppRequestContext) async throws -> Response {
        let now = Timestamp.nowMillis()
        let requestID = context.requestID
        // The order and its ORDER_REGISTERED event commit together or not at all.
        let outcome = try await store.transaction { [orders, audit] sql in
            let outcome = try await orders.register(order, now: now, firstCheckAt: now + firstCheckDelay, in: sql)
            if case .created = outcome {
                try await audit.append(
                    AuditEvent(
                        event, topupId: order.topupId, actor: "merchant", requestID: requestID,
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
            guard let parsed = DeliveryChannel(rawValue: raw) else { throw PublicError.badRequest("channel must be email or sms") }
            guard availableChannels.contains(parsed) else { throw PublicError.badRequest("the \(raw) channel is not configured") }
            channel = parsed
        }
        do {
            let queued = try await Resender(store: store).resend(
                topupId, channel: channel, actor: "merchant", requestID: context.requestID, now: Timestamp.nowMillis()
            )
            let data = try ResponseJSON.encoder.encode(["success": AnyEncodable(true), "queued": AnyEncodable(queued.map(\.rawValue))])
            return Response(status: .accepted, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
        } catch let refusal as Resender.Refusal {
            switch refusal {
            case .orderNotFound: throw PublicError(.orderNotFound, "no such order")
            case .notReady(let status): throw PublicError.notReady(status)
            case .noContact(let channel): throw PublicError.badRequest("the order has no contact for the \(channel.rawValue) channel")
            }
        }
    }

    /// The upstream catalogue of one card type, cached for a minute.
    @Sendable func listProducts(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let raw = request.uri.queryParameters.get("type"), let type = CardType(rawValue: String(raw)) else {
            throw PublicError.badRequest("the query parameter type must be ADSL or 4G")
        }
        let list: [Product]
        do throws(UpstreamError) {
            list = try await products.products(type)
        } catch {
            throw PublicError(upstream: error)
        }
        do {
            struct Body: Encodable {
                let success = true
                let type: String
                let products: [Product]
            }
            let data = try ResponseJSON.encoder.encode(Body(type: type.rawValue, products: list))
            return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
    }

    private func respond(_ record: OrderRecord, status: HTTPResponse.Status, context: AppRequestContext) async throws -> Response {
        let deliveries = try await orders.deliveries(of: record.topupId)
        let data = try ResponseJSON.encoder.encode(OrderResponse(order: record, deliveries: deliveries))
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}
