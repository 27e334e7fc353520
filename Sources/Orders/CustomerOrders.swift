import Audit
import BitaqaCore
import CardVault

/// A buyer's view of their orders: their own and nobody else's.
public struct CustomerOrders: Sendable {
    let context: DomainContext
    let denials: DenialRecorder
    /// Checks a non-final order upstream when its buyer looks at it and the last answer is old.
    let onDemand: OnDemandCheck?

    public init(context: DomainContext, denials: DenialRecorder, onDemand: OnDemandCheck?) {
        self.context = context
        self.denials = denials
        self.onDemand = onDemand
    }

    /// The buyer's orders, newest first.
    public func list(ownedBy userId: UserID, limit: Int = 100) async throws -> [OrderRecord] {
        try await context.repositories.orders.orders(ownedBy: userId, limit: limit)
    }

    /// The buyer's order, checked upstream first when it is not final and its last answer is old
    /// (``OnDemandCheck``). Another buyer's order and a missing one are the same `ORDER_NOT_FOUND`, after
    /// the same two lookups; the former is counted for an `ACCESS_DENIED` event (``DenialRecorder``),
    /// naming who asked, from where, for what, written off the response path.
    ///
    /// - Parameter resource: what was asked for (`order` or `card`), for the audit event.
    public func owned(
        _ rawTopupId: String, by userId: UserID, requestID: String, clientRequestID: String? = nil, client: String,
        resource: String
    ) async throws -> OrderRecord {
        let notFound = PublicError(.orderNotFound, "no such order")
        guard let topupId = TopupID(rawTopupId) else { throw notFound }
        let orders = context.repositories.orders
        if let order = try await orders.find(topupId, ownedBy: userId) {
            return await onDemand?.refreshed(order) ?? order
        }
        if try await orders.find(topupId) != nil {
            denials.record(
                topupId, userId: userId, requestID: requestID, clientRequestID: clientRequestID, client: client,
                resource: resource)
        }
        throw notFound
    }

    /// The order a reveal link names, the same way as ``owned(_:by:requestID:clientRequestID:client:resource:)``
    /// finds it for the API: only the link's buyer's, checked upstream first when due, and a denial
    /// counted when the order exists but is not that buyer's. Nil for a link that does not verify, has
    /// expired, or was made before the order's contacts changed.
    public func linked(
        _ token: String, tokens: RevealTokens, requestID: String, client: String
    ) async throws -> OrderRecord? {
        guard let named = tokens.verify(token, now: context.time.now()) else { return nil }
        let order: OrderRecord
        do {
            order = try await owned(
                named.topupId.rawValue, by: named.userId, requestID: requestID, client: client, resource: "link")
        } catch let error as PublicError where error.code == .orderNotFound {
            return nil
        }
        guard RevealTokens.contactsTag(order.contactBinding?.mac) == named.contacts else { return nil }
        return order
    }
}
