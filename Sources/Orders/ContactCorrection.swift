import Audit
import BitaqaCore

/// The one way to change a buyer's contact after registration (merchant API `PATCH /v1/orders/{id}`):
/// the new email or phone is bound to the order under the active key, and the change is audited with
/// the old and new value of both contacts, masked, in one transaction. Pending deliveries then go to the
/// new contact.
///
/// It refuses an order whose stored contacts fail their binding: re-binding them would launder a
/// contact that a database writer put there (he rewrites the email, the merchant corrects the phone,
/// and the email would be bound with it). The refusal is audited.
public struct ContactCorrection: Sendable {
    let context: DomainContext
    let binder: ContactBinder

    public init(context: DomainContext, binder: ContactBinder) {
        self.context = context
        self.binder = binder
    }

    /// What to change; nil leaves a contact as it is. The values must already be validated.
    public struct Change: Sendable {
        public let email: String?
        public let phone: String?

        public init(email: String?, phone: String?) {
            self.email = email
            self.phone = phone
        }
    }

    /// The stored contacts fail their binding; nothing was changed.
    public struct Refused: Error, Sendable {
        public let problem: ContactBinder.Problem
    }

    /// The order after the change; nil when there is no such order.
    public func correct(
        _ topupId: TopupID, _ change: Change, actor: String, requestID: String?, clientRequestID: String? = nil
    ) async throws -> OrderRecord? {
        guard let before = try await context.repositories.orders.find(topupId) else { return nil }
        let now = context.time.now()
        if let problem = binder.problem(with: before) {
            try await context.trail.append(
                AuditEvent(
                    .contactChangeRefused, topupId: topupId, actor: actor, requestID: requestID,
                    details: ["reason": problem.rawValue].with(clientRequestID: clientRequestID)),
                now: now)
            throw Refused(problem: problem)
        }
        let email = change.email ?? before.email
        let phone = change.phone ?? before.phone
        let binding = binder.bind(
            topupId: before.topupId, userId: before.userId, email: email, phone: phone, channels: before.channels)
        let details: [String: String] = [
            "key_id": binding.keyID,
            "email_from": before.email.map { ContactRules.masked($0, channel: .email) } ?? "",
            "email_to": email.map { ContactRules.masked($0, channel: .email) } ?? "",
            "phone_from": before.phone.map { ContactRules.masked($0, channel: .sms) } ?? "",
            "phone_to": phone.map { ContactRules.masked($0, channel: .sms) } ?? "",
        ]
        let event = AuditEvent(
            .contactChanged, topupId: topupId, actor: actor, requestID: requestID,
            details: details.with(clientRequestID: clientRequestID)
        )
        let orders = context.repositories.orders
        return try await context.repositories.transaction { [trail = context.trail] transaction in
            let after = try await orders.updateContacts(
                topupId, email: email, phone: phone, binding: binding, now: now, in: transaction)
            try await trail.append(event, now: now, in: transaction)
            return after
        }
    }
}
