import Audit
import BitaqaCore
import CoreMetrics
import Crypto
import Foundation
import Logging

/// Placing gift-card orders safely, though the upstream's `placeOrder` takes no key of ours: the shop's
/// `ref` is the key. The order is stored (`PLACING`) before `placeOrder` is sent, so the same request
/// again finds it and places nothing; an unanswered `placeOrder` is never sent again but looked for in
/// the upstream's list by ``GiftCardTracker``.
public struct GiftCardPlacement: Sendable {
    let context: DomainContext
    let upstream: any GiftCardUpstream
    let catalogue: GiftCardCatalogue
    let account: UpstreamAccount?
    let binder: ContactBinder
    let maxQuantity: Int
    let schedule: GiftCardSchedule
    let metrics: GiftCardMetrics

    public init(
        context: DomainContext, upstream: any GiftCardUpstream, catalogue: GiftCardCatalogue,
        account: UpstreamAccount?, binder: ContactBinder, maxQuantity: Int, schedule: GiftCardSchedule,
        metrics: GiftCardMetrics = GiftCardMetrics(factory: NOOPMetricsHandler.instance)
    ) {
        self.metrics = metrics
        self.context = context
        self.upstream = upstream
        self.catalogue = catalogue
        self.account = account
        self.binder = binder
        self.maxQuantity = maxQuantity
        self.schedule = schedule
    }

    /// What the shop asks for: a quantity of one product type, for one buyer.
    public struct Request: Sendable {
        public let ref: String
        public let productId: String
        public let typeId: String
        public let quantity: Int
        public let contact: OrderRegistrar.Contact

        public init(ref: String, productId: String, typeId: String, quantity: Int, contact: OrderRegistrar.Contact) {
            self.ref = ref
            self.productId = productId
            self.typeId = typeId
            self.quantity = quantity
            self.contact = contact
        }
    }

    /// The stored order, and whether this call created it (false: the same request did before).
    public struct Placed: Sendable {
        public let order: GiftCardOrder
        public let created: Bool
    }

    /// Checks quantity, type, stock and balance, stores the order, then places it upstream.
    public func place(_ request: Request, by requester: MerchantOrders.Requester, logger: Logger) async throws
        -> Placed
    {
        try Self.checkRef(request.ref)
        if let stored = try await context.repositories.giftCards.find(ref: request.ref) {
            let replayed = try replay(stored, of: request)
            metrics.placement("replayed")
            return replayed
        }
        guard (1...maxQuantity).contains(request.quantity) else {
            throw PublicError.badRequest("quantity must be from 1 to \(maxQuantity)")
        }
        let product: GiftCardProduct
        do throws(UpstreamError) {
            product = try await catalogue.product(request.productId)
        } catch {
            if error.isNotFound { throw PublicError(.upstreamValidation, "no such gift-card product") }
            throw PublicError(upstream: error)
        }
        guard let type = product.types.first(where: { $0.id == request.typeId }) else {
            throw PublicError(.upstreamValidation, "this product has no type \(request.typeId)")
        }
        guard type.stock >= request.quantity else {
            throw PublicError(.outOfStock, "only \(type.stock) cards of this type are in stock")
        }
        let cost = type.price * Double(request.quantity)
        if let account, let balance = await account.knownBalance, balance < cost {
            throw PublicError(
                .insufficientBalance, "the OneClickDz balance (\(balance) DZD) is below this order's cost (\(cost) DZD)"
            )
        }
        let new = newOrder(request, product: product, type: type)
        let now = context.time.now()
        let inserted = try await store(new, status: .placing, orderId: nil, now: now, by: requester)
        guard case .created(let order) = inserted else {
            if case .existing(let stored) = inserted { return Placed(order: stored, created: false) }
            throw Self.refTaken
        }
        return Placed(order: try await send(order, logger: logger, requester: requester, cost: cost), created: true)
    }

    /// Sends the one `placeOrder` of a stored order and records what it answered.
    private func send(_ order: GiftCardOrder, logger: Logger, requester: MerchantOrders.Requester, cost: Double)
        async throws -> GiftCardOrder
    {
        let details = order.details
        let sentAt = context.time.now()
        let repositories = context.repositories
        let answer: Result<String, UpstreamError>
        do throws(UpstreamError) {
            answer = .success(
                try await upstream.placeOrder(
                    productId: details.productId, typeId: details.typeId, quantity: details.quantity))
        } catch {
            answer = .failure(error)
        }
        switch answer {
        case .success(let orderId):
            metrics.placement("placed")
            await account?.spent(cost)
            await catalogue.took(details.quantity, of: details.typeId, in: details.productId)
            let now = context.time.now()
            let binding = binder.bind(giftCardOrder: order, to: orderId)
            try await repositories.transaction { [trail = context.trail, schedule] transaction in
                guard
                    try await repositories.giftCards.recordPlaced(
                        ref: details.ref, orderId: orderId, binding: binding,
                        nextCheckAt: now + schedule.firstCheck.inMilliseconds, now: now, in: transaction)
                else { return }
                var event = AuditEvent.statusChanged(order.key, from: .placing, to: .handling, actor: requester.actor)
                event.details["orderId"] = orderId
                try await trail.append(event, now: now, in: transaction)
            }
        case .failure(let error) where error.mayHaveBeenCarriedOut:
            metrics.placement("unanswered")
            logger.warning(
                "gift-card placeOrder went unanswered; looking for it in the upstream's list",
                metadata: ["ref": "\(details.ref)", "error": "\(error)"])
            try await repositories.transaction { [schedule] transaction in
                try await repositories.giftCards.recordPlaceAttempt(
                    ref: details.ref, at: sentAt, nextCheckAt: sentAt + schedule.pollInterval.inMilliseconds,
                    in: transaction)
            }
        case .failure(let error):
            metrics.placement("refused")
            if error.isOutOfStock { await catalogue.invalidate(details.productId) }
            logger.info("upstream refused a gift-card order", metadata: ["ref": "\(details.ref)", "error": "\(error)"])
            let now = context.time.now()
            try await repositories.transaction { [trail = context.trail] transaction in
                guard
                    try await repositories.giftCards.recordUnresolved(
                        ref: details.ref, status: .notPlaced, candidates: [], now: now, in: transaction)
                else { return }
                var event = AuditEvent.statusChanged(order.key, from: .placing, to: .notPlaced, actor: requester.actor)
                event.details["reason"] = error.code ?? "refused"
                // The shop hears of it at once (the error); the buyer is told by the not-placed notice.
                let notices = try await repositories.pipeline.insertDeliveries(
                    order.key, channels: order.order.channels, purpose: .refundNotice, now: now, in: transaction)
                event.details[AuditEvent.deliveriesKey] = notices.joined(separator: ",")
                try await trail.append(event, now: now, in: transaction)
            }
            throw PublicError(upstream: error)
        }
        return try await context.repositories.giftCards.find(ref: details.ref) ?? order
    }

    /// Registers an order the shop placed itself, or settles an `UNCERTAIN` one with the right `orderId`.
    public func register(
        orderId: String, ref: String?, contact: OrderRegistrar.Contact, by requester: MerchantOrders.Requester
    ) async throws -> Placed {
        let ref = ref ?? orderId
        try Self.checkRef(ref)
        let repositories = context.repositories
        if let stored = try await repositories.giftCards.find(ref: ref) {
            // A replay names the same buyer; other contacts under the same ref are another request.
            guard Self.sameBuyer(stored.order, contact) else {
                throw PublicError(.conflict, "this ref is registered for another buyer or other contacts")
            }
            if stored.details.orderId == orderId { return Placed(order: stored, created: false) }
            guard stored.status == .uncertain || stored.status == .placing else { throw Self.refTaken }
            if stored.status == .uncertain {
                guard stored.details.candidates.contains(where: { $0.orderId == orderId }) else {
                    throw PublicError(.conflict, "this orderId is not one of the order's candidates")
                }
            } else {
                try await requireMatch(orderId, of: stored.details)
            }
            return Placed(order: try await settle(stored, orderId: orderId, by: requester), created: false)
        }
        if let holder = try await repositories.giftCards.find(orderId: orderId) {
            if holder.details.ref == ref { return Placed(order: holder, created: false) }
            throw PublicError(.conflict, "this orderId is already registered under another ref")
        }
        let state: GiftCardOrderState
        do throws(UpstreamError) {
            state = try await upstream.checkOrder(orderId)
        } catch {
            if error.isNotFound { throw PublicError(.orderNotFound, "OneClickDz has no gift-card order \(orderId)") }
            throw PublicError(upstream: error)
        }
        let product = try? await catalogue.product(state.productId)
        let type = product?.types.first { $0.id == state.typeId }
        var new = NewGiftCardOrder(
            ref: ref, userId: contact.userId, productId: state.productId,
            productTitle: product?.title ?? state.productId, typeId: state.typeId, typeName: type?.name ?? state.typeId,
            quantity: state.quantity, pricePerCard: state.pricePerCard ?? type?.price, email: contact.email,
            phone: contact.phone, locale: contact.locale, channels: contact.channels, fingerprint: "")
        new.fingerprint = Self.fingerprint(new, orderId: orderId)
        let inserted = try await store(new, status: .handling, orderId: orderId, now: context.time.now(), by: requester)
        switch inserted {
        case .created(let order): return Placed(order: order, created: true)
        case .existing(let order): return Placed(order: order, created: false)
        case .conflict: throw Self.refTaken
        }
    }

    private func settle(_ stored: GiftCardOrder, orderId: String, by requester: MerchantOrders.Requester) async throws
        -> GiftCardOrder
    {
        let repositories = context.repositories
        let now = context.time.now()
        let binding = binder.bind(giftCardOrder: stored, to: orderId)
        let settled = try await repositories.transaction { [trail = context.trail] transaction in
            guard
                try await repositories.giftCards.recordPlaced(
                    ref: stored.details.ref, orderId: orderId, binding: binding, nextCheckAt: now, now: now,
                    in: transaction)
            else { return false }
            var event = AuditEvent.statusChanged(stored.key, from: stored.status, to: .handling, actor: requester.actor)
            event.details["orderId"] = orderId
            event.details["settled"] = "true"
            try await trail.append(event, now: now, in: transaction)
            return true
        }
        guard settled else { throw PublicError(.conflict, "this orderId is already another order's") }
        return try await repositories.giftCards.find(ref: stored.details.ref) ?? stored
    }

    private func store(
        _ order: NewGiftCardOrder, status: OrderStatus, orderId: String?, now: Int64,
        by requester: MerchantOrders.Requester
    ) async throws -> GiftCardInsertOutcome {
        guard let key = GiftCardKey.key(for: order.ref) else { throw Self.badRef }
        var bound = order
        bound.contactBinding = binder.bind(
            topupId: key, userId: order.userId, email: order.email, phone: order.phone, channels: order.channels)
        let repositories = context.repositories
        // A placing order is looked for in the list only if its `placeOrder` has not answered by then.
        let nextCheckAt = now + (status == .placing ? 2 : 1) * schedule.firstCheck.inMilliseconds
        let orderBinding = orderId.map {
            binder.bind(
                giftCard: key, userId: order.userId, orderId: $0, productId: order.productId, typeId: order.typeId,
                quantity: order.quantity)
        }
        return try await repositories.transaction { [bound, trail = context.trail] transaction in
            let outcome = try await repositories.giftCards.insert(
                bound, status: status, orderId: orderId, binding: orderBinding, nextCheckAt: nextCheckAt, now: now,
                in: transaction)
            if case .created = outcome {
                var details = [
                    "product": ProductLineID.giftCard.rawValue, "status": status.rawValue,
                    "quantity": "\(order.quantity)", "channels": order.channels.map(\.rawValue).joined(separator: ","),
                    "locale": order.locale.rawValue,
                ]
                if let orderId { details["orderId"] = orderId }
                try await trail.append(
                    AuditEvent(
                        .orderRegistered, topupId: key, actor: requester.actor, requestID: requester.requestID,
                        details: details.with(clientRequestID: requester.clientRequestID)),
                    now: now, in: transaction)
            }
            return outcome
        }
    }

    private func newOrder(_ request: Request, product: GiftCardProduct, type: GiftCardType) -> NewGiftCardOrder {
        var new = NewGiftCardOrder(
            ref: request.ref, userId: request.contact.userId, productId: product.productId, productTitle: product.title,
            typeId: type.id, typeName: type.name, quantity: request.quantity, pricePerCard: type.price,
            email: request.contact.email, phone: request.contact.phone, locale: request.contact.locale,
            channels: request.contact.channels, fingerprint: "")
        new.fingerprint = Self.fingerprint(new, orderId: nil)
        return new
    }

    private func replay(_ stored: GiftCardOrder, of request: Request) throws -> Placed {
        var new = NewGiftCardOrder(
            ref: request.ref, userId: request.contact.userId, productId: request.productId,
            productTitle: stored.details.productTitle, typeId: request.typeId, typeName: stored.details.typeName,
            quantity: request.quantity, pricePerCard: nil, email: request.contact.email, phone: request.contact.phone,
            locale: request.contact.locale, channels: request.contact.channels, fingerprint: "")
        new.fingerprint = Self.fingerprint(new, orderId: nil)
        guard new.fingerprint == stored.order.fingerprint else { throw Self.refTaken }
        return Placed(order: stored, created: false)
    }

    /// An order still `PLACING` is settled only with an upstream order of its product, type and
    /// quantity: the merchant cannot attach another purchase to it by mistake.
    private func requireMatch(_ orderId: String, of details: GiftCardDetails) async throws {
        let state: GiftCardOrderState
        do throws(UpstreamError) {
            state = try await upstream.checkOrder(orderId)
        } catch {
            if error.isNotFound { throw PublicError(.orderNotFound, "OneClickDz has no gift-card order \(orderId)") }
            throw PublicError(upstream: error)
        }
        guard state.productId == details.productId, state.typeId == details.typeId,
            state.quantity == details.quantity
        else {
            throw PublicError(.conflict, "this orderId is for another product, type or quantity than the order")
        }
    }

    static func sameBuyer(_ order: OrderRecord, _ contact: OrderRegistrar.Contact) -> Bool {
        order.userId == contact.userId && order.email == contact.email && order.phone == contact.phone
            && order.locale == contact.locale && Set(order.channels) == Set(contact.channels)
    }

    static let refTaken = PublicError(.duplicatedRef, "this ref names another order; use a new ref")
    static let badRef = PublicError.badRequest("ref must be 1 to 100 printable characters without spaces or '/'")

    static func checkRef(_ ref: String) throws {
        guard !ref.isEmpty, ref.utf8.count <= 100, GiftCardKey.key(for: ref) != nil else { throw badRef }
    }

    /// What makes two placements "the same request": the order asked for and whom it goes to.
    static func fingerprint(_ order: NewGiftCardOrder, orderId: String?) -> String {
        let fields = [
            "gift-card", order.ref, orderId ?? "", order.userId.rawValue, order.productId, order.typeId,
            "\(order.quantity)", order.email ?? "", order.phone ?? "", order.locale.rawValue,
            order.channels.map(\.rawValue).sorted().joined(separator: ","),
        ]
        let canonical = fields.map { "\($0.utf8.count):\($0)" }.joined(separator: "|")
        return Hex.encode(SHA256.hash(data: Data(canonical.utf8)))
    }
}
