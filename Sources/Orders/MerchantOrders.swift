import Audit
import BitaqaCore
import Logging

/// The merchant's use cases on one order, the same on every surface (the API, the console, the
/// command line): show it, check it upstream now, place a new one, send its card again.
public struct MerchantOrders: Sendable {
    let context: DomainContext
    let registrar: OrderRegistrar
    let upstream: any InternetUpstream
    let catalogue: Catalogue
    let account: UpstreamAccount
    let onDemand: OnDemandCheck
    let resender: Resender

    public init(
        context: DomainContext, registrar: OrderRegistrar, upstream: any InternetUpstream, catalogue: Catalogue,
        account: UpstreamAccount, onDemand: OnDemandCheck, resender: Resender
    ) {
        self.context = context
        self.registrar = registrar
        self.upstream = upstream
        self.catalogue = catalogue
        self.account = account
        self.onDemand = onDemand
        self.resender = resender
    }

    /// Who asks, for the audit trail.
    public struct Requester: Sendable {
        /// `merchant` (the API), `console`, or the command (`bitaqa orders check`).
        public let actor: String
        public let requestID: String?
        public let clientRequestID: String?
        /// The console session's short id, when the console asks.
        public let session: String?
        /// Whether repeated explicit checks are held to the cooldown (``OnDemandCheck/minimumCooldown``):
        /// the API's scripts are; a person at the console or the command line is not.
        public let limited: Bool

        public init(
            actor: String, requestID: String?, clientRequestID: String?, session: String?, limited: Bool
        ) {
            self.actor = actor
            self.requestID = requestID
            self.clientRequestID = clientRequestID
            self.session = session
            self.limited = limited
        }
    }

    /// An order with its deliveries, as every surface shows it.
    public struct View: Sendable {
        public let order: OrderRecord
        public let deliveries: [DeliveryRecord]
    }

    /// The order, checked upstream first when it is not final and its last answer is old.
    public func show(_ topupId: TopupID) async throws -> View {
        guard let order = try await context.repositories.orders.find(topupId) else { throw Self.notFound }
        return try await view(await onDemand.refreshed(order))
    }

    /// The order and its deliveries as stored now.
    public func view(_ order: OrderRecord) async throws -> View {
        View(order: order, deliveries: try await context.repositories.orders.deliveries(of: order.topupId))
    }

    /// What an explicit check found.
    public struct Checked: Sendable {
        public let view: View
        /// Nil when the upstream answered (or no check was needed); its failure otherwise.
        public let upstreamFailure: UpstreamError?
    }

    /// Asks the upstream about the order now, out of schedule, audited as `CHECK_REQUESTED` first.
    /// An `UNKNOWN_UPSTREAM` order is tracked again from now.
    public func checkNow(_ topupId: TopupID, by requester: Requester) async throws -> Checked {
        guard try await context.repositories.orders.find(topupId) != nil else { throw Self.notFound }
        var details: [String: String] = [:]
        if let session = requester.session { details["session"] = session }
        if let client = requester.clientRequestID { details["client_request_id"] = client }
        try await context.trail.append(
            AuditEvent(
                .checkRequested, topupId: topupId, actor: requester.actor, requestID: requester.requestID,
                details: details),
            now: context.time.now())
        let outcome =
            requester.limited
            ? try await onDemand.requested(topupId)
            : try await onDemand.tracker.checkNow(topupId, restartingUnknown: true)
        switch outcome {
        case .notFound: throw Self.notFound
        case .checked(let order), .notChecked(let order):
            return Checked(view: try await view(order), upstreamFailure: nil)
        case .upstreamFailed(let order, let error):
            return Checked(view: try await view(order), upstreamFailure: error)
        }
    }

    /// Places a top-up upstream and registers it, after the balance rule: a card that costs more than
    /// the known OneClickDz balance is refused before anything is sent (`INSUFFICIENT_BALANCE`).
    public func place(
        _ request: SendRequest, contact: OrderRegistrar.Contact, by requester: Requester, logger: Logger
    ) async throws -> OrderRegistrar.Registered {
        let cost = await cost(of: request)
        if let cost, let balance = await account.knownBalance, balance < cost {
            throw PublicError(
                .insufficientBalance, "the OneClickDz balance (\(balance) DZD) is below this card's cost (\(cost) DZD)")
        }
        let registered = try await registrar.send(
            request, contact: contact, through: upstream, actor: requester.actor, requestID: requester.requestID,
            clientRequestID: requester.clientRequestID, logger: logger)
        if registered.created, let cost { await account.spent(cost) }
        return registered
    }

    /// Queues the card again on `channel` (every channel of the order when nil), audited.
    public func resend(_ topupId: TopupID, channel: DeliveryChannel?, by requester: Requester) async throws
        -> [DeliveryChannel]
    {
        try await resender.resend(
            topupId, channel: channel, actor: requester.actor, requestID: requester.requestID,
            clientRequestID: requester.clientRequestID)
    }

    /// The catalogue of one card type.
    public func products(_ type: CardType) async throws(UpstreamError) -> [Product] {
        try await catalogue.products(type)
    }

    /// What a top-up costs from the catalogue when it is at hand, or its value; nil when the balance is
    /// not known either, so a placement never waits on the catalogue only to be checked against nothing.
    private func cost(of request: SendRequest) async -> Double? {
        guard await account.knownBalance != nil else { return nil }
        let listed = try? await catalogue.products(request.type).first { $0.value == request.value }
        return listed?.cost ?? Double(request.value)
    }

    static let notFound = PublicError(.orderNotFound, "no such order")
}
