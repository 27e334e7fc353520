import Audit
import BitaqaCore
import Foundation
import SQLKit
import Storage

/// A deliberate new delivery of a card: the merchant's `resend`, from the API or the command line.
public struct Resender: Sendable {
    let store: Store

    public init(store: Store) {
        self.store = store
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
        _ topupId: TopupID, channel: DeliveryChannel?, actor: String, requestID: String?, now: Int64
    ) async throws -> [DeliveryChannel] {
        guard let order = try await SQLOrderRepository(store: store).find(topupId) else { throw Refusal.orderNotFound }
        guard order.status == .fulfilled else { throw Refusal.notReady(order.status) }
        let channels: [DeliveryChannel]
        if let channel {
            guard (channel == .email ? order.email : order.phone) != nil else { throw Refusal.noContact(channel) }
            channels = [channel]
        } else {
            channels = DeliveryChannel.allCases.filter { ($0 == .email ? order.email : order.phone) != nil }
            guard !channels.isEmpty else { throw Refusal.noContact(.email) }
        }
        try await store.transaction { sql in
            try await PipelineRepository(store: store).insertDeliveries(topupId, channels: channels, purpose: .card, now: now, in: sql)
            try await AuditTrail(store: store).append(
                AuditEvent(
                    .resendRequested, topupId: topupId, actor: actor, requestID: requestID,
                    details: ["channels": channels.map(\.rawValue).joined(separator: ",")]
                ),
                now: now, in: sql
            )
        }
        return channels
    }
}
