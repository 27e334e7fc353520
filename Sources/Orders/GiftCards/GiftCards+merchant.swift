import Audit
import BitaqaCore

extension GiftCards {
    /// A gift-card order and its deliveries, as the merchant sees it.
    public struct View: Sendable {
        public let order: GiftCardOrder
        public let deliveries: [DeliveryRecord]
    }

    public func view(_ order: GiftCardOrder, context: DomainContext) async throws -> View {
        View(order: order, deliveries: try await context.repositories.orders.deliveries(of: order.key))
    }

    /// The order named by `ref`, or `ORDER_NOT_FOUND`.
    public func find(_ ref: String, context: DomainContext) async throws -> GiftCardOrder {
        guard let order = try await context.repositories.giftCards.find(ref: ref) else {
            throw PublicError(.orderNotFound, "no such gift-card order")
        }
        return order
    }

    /// Asks the upstream about the order now (looks for it in the list while `PLACING`), audited as
    /// `CHECK_REQUESTED`; a final order is answered as it is.
    public func checkNow(_ ref: String, by requester: MerchantOrders.Requester, context: DomainContext) async throws
        -> GiftCardOrder
    {
        let order = try await find(ref, context: context)
        let now = context.time.now()
        // The API's scripts are held to the top-ups' cooldown: a loop of checks cannot spend the upstream
        // budget every order's tracking shares. A person at the console or the command line is not.
        if requester.limited, let last = order.order.lastCheckedAt {
            let cooldown = OnDemandCheck.minimumCooldown.inMilliseconds
            if now - last < cooldown {
                throw OnDemandCheck.TooSoon(retryAfter: Int((cooldown - (now - last) + 999) / 1_000))
            }
        }
        _ = try await context.trail.append(
            AuditEvent(
                .checkRequested, topupId: order.key, actor: requester.actor, requestID: requester.requestID,
                details: ["status": order.status.rawValue].with(clientRequestID: requester.clientRequestID)),
            now: now)
        do {
            switch order.status {
            case .placing: try await tracker.resolve(order)
            case .handling: try await tracker.check(order)
            default: break
            }
        } catch let error as UpstreamError {
            throw PublicError(upstream: error)
        }
        return try await find(ref, context: context)
    }

    /// A page of orders, newest first, and the cursor of the next page (nil on the last).
    public func page(_ search: GiftCardSearch, context: DomainContext) async throws -> (
        orders: [GiftCardOrder], deliveries: [TopupID: [DeliveryRecord]], nextCursor: String?
    ) {
        var query = search
        query.limit = search.limit + 1
        let found = try await context.repositories.giftCards.search(query)
        let page = Array(found.prefix(search.limit))
        let deliveries = try await context.repositories.orders.deliveries(of: page.map(\.key))
        let next =
            found.count > search.limit
            ? page.last.map { GiftCardCursor(createdAt: $0.order.createdAt, ref: $0.details.ref).text } : nil
        return (page, deliveries, next)
    }
}
