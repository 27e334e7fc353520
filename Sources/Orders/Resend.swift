import Audit
import BitaqaCore

/// A deliberate new delivery of a card: the merchant's `resend`, from the API or the command line.
public struct Resender: Sendable {
    let context: DomainContext

    public init(context: DomainContext) {
        self.context = context
    }

    /// Why a resend was refused.
    public enum Refusal: Error, Sendable, Equatable {
        case orderNotFound
        /// The order has no card yet (HANDLING, QUEUED) or never will (REFUNDED).
        case notReady(OrderStatus)
        /// The order has no contact for the channel.
        case noContact(DeliveryChannel)
    }

    /// Queues the card again on `channel`, or on every channel the order has a contact for.
    /// Returns the channels queued.
    public func resend(
        _ topupId: TopupID, channel: DeliveryChannel?, actor: String, requestID: String?, clientRequestID: String? = nil
    ) async throws -> [DeliveryChannel] {
        let now = context.time.now()
        let repositories = context.repositories
        guard let order = try await repositories.orders.find(topupId) else { throw Refusal.orderNotFound }
        guard order.status.hasCards else { throw Refusal.notReady(order.status) }
        let channels: [DeliveryChannel]
        if let channel {
            guard (channel == .email ? order.email : order.phone) != nil else { throw Refusal.noContact(channel) }
            channels = [channel]
        } else {
            channels = DeliveryChannel.allCases.filter { ($0 == .email ? order.email : order.phone) != nil }
            guard !channels.isEmpty else { throw Refusal.noContact(.email) }
        }
        try await repositories.transaction { [trail = context.trail] transaction in
            let deliveries = try await repositories.pipeline.insertDeliveries(
                topupId, channels: channels, purpose: .card, now: now, in: transaction)
            try await trail.append(
                AuditEvent(
                    .resendRequested, topupId: topupId, actor: actor, requestID: requestID,
                    details: [
                        "channels": channels.map(\.rawValue).joined(separator: ","),
                        AuditEvent.deliveriesKey: deliveries.joined(separator: ","),
                    ].with(clientRequestID: clientRequestID)
                ),
                now: now, in: transaction
            )
        }
        return channels
    }
}
