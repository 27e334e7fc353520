import Audit
import BitaqaCore
import Crypto
import Foundation
import Logging

/// Registering orders: the merchant's `POST /v1/orders` (a top-up placed elsewhere) and
/// `POST /v1/orders/send` (placed upstream by Bitaqa first).
public struct OrderRegistrar: Sendable {
    let context: DomainContext
    /// When the first status check falls, from the moment of registration.
    let firstCheck: @Sendable (Int64) -> Int64
    /// Binds the contacts given here to the order: the only moment they are taken on trust.
    let binder: ContactBinder

    /// The first check on the tracking schedule's grid, where the tracker's list calls find it.
    public init(context: DomainContext, schedule: TrackingSchedule, binder: ContactBinder) {
        self.context = context
        self.firstCheck = { schedule.firstCheck(now: $0) }
        self.binder = binder
    }

    /// The first check a fixed delay after registration.
    public init(context: DomainContext, firstCheckDelay: Duration, binder: ContactBinder) {
        self.context = context
        self.firstCheck = { $0 + firstCheckDelay.inMilliseconds }
        self.binder = binder
    }

    /// A registered order, and whether this call created it (false: the same request registered it before).
    public struct Registered: Sendable {
        public let order: OrderRecord
        public let created: Bool
    }

    /// Stores the order and its `ORDER_REGISTERED` (or `ORDER_SENT`) event in one transaction; a repeat
    /// of the same request answers the stored order, a different request for the same id is a conflict.
    public func register(
        _ order: NewOrder, event: AuditKind = .orderRegistered, actor: String, requestID: String?,
        clientRequestID: String? = nil
    )
        async throws -> Registered
    {
        let now = context.time.now()
        let firstCheckAt = firstCheck(now)
        let orders = context.repositories.orders
        let order = binder.bound(order)
        let outcome = try await context.repositories.transaction { [trail = context.trail] transaction in
            let outcome = try await orders.register(order, now: now, firstCheckAt: firstCheckAt, in: transaction)
            if case .created = outcome {
                try await trail.append(
                    AuditEvent(
                        event, topupId: order.topupId, actor: actor, requestID: requestID,
                        details: [
                            "channels": order.channels.map(\.rawValue).joined(separator: ","),
                            "locale": order.locale.rawValue,
                        ].with(clientRequestID: clientRequestID)
                    ),
                    now: now, in: transaction
                )
            }
            return outcome
        }
        switch outcome {
        case .created(let record): return Registered(order: record, created: true)
        case .existing(let record): return Registered(order: record, created: false)
        case .conflict: throw PublicError(.conflict, "this topupId is already registered with different details")
        case .refTaken: throw PublicError(.conflict, "this topupRef belongs to another order")
        }
    }

    /// Places the top-up upstream (with a unique `ref`) and registers it with the buyer's contact.
    public func send(
        _ request: SendRequest, contact: Contact, through upstream: any InternetUpstream, actor: String,
        requestID: String?,
        clientRequestID: String? = nil, logger: Logger
    ) async throws -> Registered {
        let result: SendResult
        do throws(UpstreamError) {
            result = try await upstream.send(request)
        } catch {
            logger.info("upstream refused a send", metadata: ["error": "\(error)"])
            throw PublicError(upstream: error)
        }
        guard let topupId = TopupID(result.topupId) else {
            throw PublicError(.upstreamUnavailable, "OneClickDz answered with an unusable topupId")
        }
        var order = NewOrder(
            topupId: topupId, topupRef: result.topupRef, userId: contact.userId, cardType: request.type,
            number: request.number, value: request.value, email: contact.email, phone: contact.phone,
            locale: contact.locale, channels: contact.channels, fingerprint: ""
        )
        order.fingerprint = OrderFingerprint.of(order)
        return try await register(
            order, event: .orderSent, actor: actor, requestID: requestID, clientRequestID: clientRequestID)
    }

    /// Whom a sent order's card goes to.
    public struct Contact: Sendable {
        public let userId: UserID
        public let email: String?
        public let phone: String?
        public let locale: CustomerLocale
        public let channels: [DeliveryChannel]

        public init(userId: UserID, email: String?, phone: String?, locale: CustomerLocale, channels: [DeliveryChannel])
        {
            self.userId = userId
            self.email = email
            self.phone = phone
            self.locale = locale
            self.channels = channels
        }
    }
}

/// What makes two registrations "the same request".
public enum OrderFingerprint {
    /// SHA-256 over the normalised fields, so `+213…` and `0…` spellings of one request match.
    public static func of(_ order: NewOrder) -> String {
        let fields = [
            order.topupId.rawValue, order.topupRef ?? "", order.userId.rawValue, order.email ?? "",
            order.phone ?? "", order.locale.rawValue, order.channels.map(\.rawValue).sorted().joined(separator: ","),
        ]
        // Length-prefixed, so no two different field lists encode to the same bytes.
        let canonical = fields.map { "\($0.utf8.count):\($0)" }.joined(separator: "|")
        return Hex.encode(SHA256.hash(data: Data(canonical.utf8)))
    }
}
