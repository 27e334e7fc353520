import Audit
import BitaqaCore
import Storage

/// A buyer's view of their orders: their own and nobody else's.
public struct CustomerOrders: Sendable {
    let context: DomainContext

    public init(context: DomainContext) {
        self.context = context
    }

    /// The buyer's orders, newest first.
    public func list(ownedBy userId: UserID, limit: Int = 100) async throws -> [OrderRecord] {
        try await context.repositories.orders.orders(ownedBy: userId, limit: limit)
    }

    /// The buyer's order. Another buyer's order and a missing one are the same `ORDER_NOT_FOUND`; the
    /// former is audited as `ACCESS_DENIED`, naming who asked, from where, for what.
    ///
    /// - Parameter resource: what was asked for (`order` or `card`), for the audit event.
    public func owned(
        _ rawTopupId: String, by userId: UserID, requestID: String, clientRequestID: String? = nil, client: String,
        resource: String
    ) async throws -> OrderRecord {
        let notFound = PublicError(.orderNotFound, "no such order")
        guard let topupId = TopupID(rawTopupId) else { throw notFound }
        let orders = context.repositories.orders
        if let order = try await orders.find(topupId, ownedBy: userId) { return order }
        if try await orders.find(topupId) != nil {
            try await context.trail.append(
                AuditEvent(
                    .accessDenied, topupId: topupId, actor: userId.rawValue, requestID: requestID,
                    details: ["reason": "not_owner", "client": client, "path": resource].with(
                        clientRequestID: clientRequestID)
                ),
                now: context.time.now()
            )
        }
        throw notFound
    }
}
