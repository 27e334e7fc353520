import Audit
import BitaqaCore
import Foundation

/// The webhook event types, as the shop receives them.
public enum WebhookEventType: String, Sendable, CaseIterable {
    case orderFulfilled = "order.fulfilled"
    case orderQueued = "order.queued"
    case orderRefunded = "order.refunded"
    /// Gift cards: some cards came, the rest was refunded to the shop's account.
    case orderPartiallyFilled = "order.partially_filled"
    /// Gift cards: an unanswered `placeOrder` is surely absent upstream; nothing was bought.
    case orderNotPlaced = "order.not_placed"
    /// Gift cards: an unanswered `placeOrder` matches several upstream orders; the merchant settles it.
    case orderUncertain = "order.uncertain"
    case deliveryDelivered = "delivery.delivered"
    case deliveryFailed = "delivery.failed"
    case orderStuck = "order.stuck"
    case accountBalanceLow = "account.balance_low"
}

/// Writes a webhook message for each audit event the shop should hear of, in the transaction that
/// appends the event: the message exists exactly when the change it reports was committed.
///
/// The body holds what the audit event and the order say: ids, status, channel, the masked recipient,
/// attempts, an error class. Never a card code, a token or a key, as neither source holds one.
public struct WebhookOutbox: AuditListener {
    let repository: any WebhookRepository
    let types: Set<WebhookEventType>
    let keys: WebhookMessageKeys

    public init(repository: any WebhookRepository, types: Set<WebhookEventType>, keys: WebhookMessageKeys) {
        self.repository = repository
        self.types = types
        self.keys = keys
    }

    public func appended(_ event: AuditEvent, at now: Int64, in transaction: Transaction) async throws {
        guard let (type, status) = Self.webhook(for: event), types.contains(type), let topupId = event.topupId,
            let facts = try await repository.orderFacts(topupId, in: transaction)
        else { return }
        var data: [String: Any] = ["userId": facts.userId, "status": status, "product": facts.product.rawValue]
        if facts.product == .giftCard {
            // A gift-card order is named by the shop's ref and the upstream's orderId (null until placed).
            data["ref"] = facts.ref ?? NSNull()
            data["orderId"] = facts.orderId ?? NSNull()
        } else {
            data["topupId"] = topupId.rawValue
            data["topupRef"] = facts.ref ?? NSNull()
        }
        if type == .deliveryDelivered || type == .deliveryFailed {
            // A gift-card order's card message may carry part of an order: say which.
            if facts.product == .giftCard, let stored = facts.status { data["status"] = stored.rawValue }
            data["channel"] = event.details["channel"]
            if let recipient = event.details["recipient"], !recipient.isEmpty { data["recipient"] = recipient }
            if let attempts = event.details["attempts"].flatMap(Int.init) { data["attempts"] = attempts }
            if type == .deliveryFailed { data["error"] = event.details["reason"] }
        }
        try await enqueue(type, topupId: topupId, data: data, now: now, in: transaction)
    }

    /// Writes one message of `type` inside `transaction`, unless the type is not sent.
    public func enqueue(
        _ type: WebhookEventType, topupId: TopupID?, data: [String: Any], now: Int64, in transaction: Transaction
    ) async throws {
        guard types.contains(type) else { return }
        let object: [String: Any] = ["type": type.rawValue, "timestamp": Timestamp.iso8601(now), "data": data]
        let body = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        try await repository.enqueue(
            keys.sealed(
                NewWebhookMessage(
                    id: "msg_" + Hex.encode(SecretBytes.random(count: 12).unsafeBytes), type: type.rawValue,
                    topupId: topupId, body: String(decoding: body, as: UTF8.self))),
            now: now, in: transaction)
    }

    /// The webhook an audit event stands for, with the order status it reports.
    public func hears(_ event: AuditEvent) -> Bool {
        guard let (type, _) = Self.webhook(for: event) else { return false }
        return types.contains(type) && event.topupId != nil
    }

    static func webhook(for event: AuditEvent) -> (WebhookEventType, String)? {
        switch event.kind {
        case .cardStored where event.details["status"] == OrderStatus.partiallyFilled.rawValue:
            return (.orderPartiallyFilled, OrderStatus.partiallyFilled.rawValue)
        case .cardStored: return (.orderFulfilled, OrderStatus.fulfilled.rawValue)
        case .statusChanged where event.details["to"] == OrderStatus.notPlaced.rawValue:
            return (.orderNotPlaced, OrderStatus.notPlaced.rawValue)
        case .statusChanged where event.details["to"] == OrderStatus.uncertain.rawValue:
            return (.orderUncertain, OrderStatus.uncertain.rawValue)
        case .statusChanged where event.details["to"] == OrderStatus.queued.rawValue:
            return (.orderQueued, OrderStatus.queued.rawValue)
        case .statusChanged where event.details["to"] == OrderStatus.refunded.rawValue:
            return (.orderRefunded, OrderStatus.refunded.rawValue)
        case .cardDelivered where event.details["purpose"] == "card":
            return (.deliveryDelivered, OrderStatus.fulfilled.rawValue)
        case .deliveryFailed where event.details["purpose"] == "card":
            return (.deliveryFailed, OrderStatus.fulfilled.rawValue)
        default: return nil
        }
    }
}
