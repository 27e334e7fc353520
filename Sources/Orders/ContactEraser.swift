import Audit
import BitaqaCore

/// Erases one order's contacts: the sealed values, their index and any clear copy go in one `UPDATE`
/// with a new binding (of no contacts, so a later delivery is refused for want of a contact, not as a
/// tampering), and `CONTACTS_ERASED` names what went, masked, in the same transaction. The order, its
/// card and its trail stay.
struct ContactEraser: Sendable {
    let context: DomainContext
    let binder: ContactBinder

    /// Why contacts are erased, as the trail and the metric name it.
    enum Reason: String, Sendable {
        case request
        case retention
    }

    /// Whether the order's contacts were erased (false when it held none, or changed meanwhile).
    func erase(_ order: OrderRecord, reason: Reason, actor: String, requestID: String?) async throws -> Bool {
        guard order.email != nil || order.phone != nil || !order.unreadableContacts.isEmpty else { return false }
        let binding = binder.bind(
            topupId: order.topupId, userId: order.userId, email: nil, phone: nil, channels: order.channels)
        let now = context.time.now()
        var details = ["reason": reason.rawValue]
        if let email = order.email { details["email"] = ContactRules.masked(email, channel: .email) }
        if let phone = order.phone { details["phone"] = ContactRules.masked(phone, channel: .sms) }
        return try await context.repositories.transaction { [context, details] transaction in
            guard
                try await context.repositories.orders.eraseContacts(
                    order.topupId, expected: order.contactBinding, binding: binding, now: now, in: transaction)
            else { return false }
            try await context.trail.append(
                AuditEvent(
                    .contactsErased, topupId: order.topupId, actor: actor, requestID: requestID, details: details),
                now: now, in: transaction)
            return true
        }
    }
}
