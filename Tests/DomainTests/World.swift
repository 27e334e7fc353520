import Audit
import BitaqaCore
import CardVault
import Foundation
import Messaging
import Metrics
import Orders
import OrdersDoubles
import Testing

/// The domain wired as `serve` wires it, over the in-memory doubles: one database, a keyed audit trail
/// that writes webhook messages into the outbox, a real vault, the fake upstream, a recording channel
/// per delivery channel, and a clock only the test moves.
struct World: Sendable {
    static let key = SecretBytes(hex: String(repeating: "5e", count: 32), byteCount: 32)!
    /// 2026-01-01T00:00:00Z, on every poll interval's grid.
    static let start: Int64 = 1_767_225_600_000

    let clock: ManualClock
    let database: MemoryDatabase
    let vault: CardVault
    let binder: ContactBinder
    let webhookKeys: WebhookMessageKeys
    /// Every webhook type, MACed under the ring's keys.
    let outbox: WebhookOutbox
    /// Keyed, and telling the webhook outbox of each event.
    let trail: AuditTrail
    let context: DomainContext
    let upstream: FakeUpstream
    let email: RecordingChannel
    let sms: RecordingChannel
    let log: RecordingLog
    let schedule: TrackingSchedule
    let tracker: Tracker
    let deliverer: Deliverer
    /// Orders due for their first check at once.
    let registrar: OrderRegistrar

    init(
        balance: Double = 100_000, schedule: TrackingSchedule = TrackingSchedule(pollInterval: .seconds(5)),
        unknownUpstreamAfter: Duration = .seconds(3_600)
    ) throws {
        clock = ManualClock(Self.start)
        database = MemoryDatabase()
        let ring = try KeyRing(keys: [Self.key])
        vault = CardVault(keyRing: ring)
        binder = ContactBinder(ring: ring)
        webhookKeys = WebhookMessageKeys(ring: ring)
        let repositories = database.repositories
        outbox = WebhookOutbox(
            repository: repositories.webhooks, types: Set(WebhookEventType.allCases), keys: webhookKeys)
        trail = database.trail(keys: AuditKeys(ring: ring)).notifying(outbox)
        context = DomainContext(repositories: repositories, trail: trail, time: clock.source)
        upstream = FakeUpstream(time: clock.source, balance: balance)
        email = RecordingChannel()
        sms = RecordingChannel()
        log = RecordingLog()
        self.schedule = schedule
        var trackerLimits = Tracker.Limits()
        trackerLimits.unknownUpstreamAfter = unknownUpstreamAfter
        tracker = Tracker(
            context: context, upstream: upstream, vault: vault, schedule: schedule, limits: trackerLimits,
            logger: log.logger("tracker"), metrics: Self.metrics, owner: "tracker-1", cardStored: nil)
        deliverer = Self.deliverer(
            context: context, vault: vault, binder: binder, channels: [.email: email, .sms: sms], log: log,
            owner: "deliverer-1")
        registrar = OrderRegistrar(context: context, firstCheckDelay: .zero, binder: binder)
    }

    static let metrics = PipelineMetrics(factory: NOOPMetricsHandler.instance)

    /// A deliverer with three attempts per message, 2 s apart at first, leases of two minutes.
    static func deliverer(
        context: DomainContext, vault: CardVault, binder: ContactBinder,
        channels: [DeliveryChannel: any MessageChannel], log: RecordingLog, owner: String
    ) -> Deliverer {
        let cards = CardReader(
            vault: vault, audit: context.trail, views: AuditBatcher(trail: context.trail), time: context.time)
        return Deliverer(
            context: context, cards: cards, binder: binder, channels: channels,
            backoff: DeliveryBackoff(maxAttempts: 3, base: .seconds(2), cap: .seconds(60)), emailLink: nil,
            limits: Deliverer.Limits(), logger: log.logger("deliverer"), metrics: metrics, owner: owner, wake: nil,
            liveness: nil, shop: .unnamed, line: InternetTopups())
    }

    /// Another deliverer over the same database, with channels of the test's own.
    func deliverer(channels: [DeliveryChannel: any MessageChannel], owner: String) -> Deliverer {
        Self.deliverer(context: context, vault: vault, binder: binder, channels: channels, log: log, owner: owner)
    }

    var repositories: Repositories { context.repositories }
    var now: Int64 { clock.now }

    // MARK: - Orders

    /// What the merchant registers: a top-up placed upstream, for `user`, on the channels it has a
    /// contact for.
    static func newOrder(
        _ id: String, user: String = "buyer-1", email: String? = "buyer@shop.dz", phone: String? = "+213551234567",
        ref: String? = nil
    ) -> NewOrder {
        var channels: [DeliveryChannel] = []
        if email != nil { channels.append(.email) }
        if phone != nil { channels.append(.sms) }
        var order = NewOrder(
            topupId: TopupID(id)!, topupRef: ref, userId: UserID(user)!, cardType: .adsl, number: "036362608",
            value: 500, email: email, phone: phone, locale: .fr, channels: channels, fingerprint: "")
        order.fingerprint = OrderFingerprint.of(order)
        return order
    }

    /// Registers an order the upstream knows as HANDLING, due for its first check now.
    @discardableResult
    func register(
        _ id: String, user: String = "buyer-1", email: String? = "buyer@shop.dz", phone: String? = "+213551234567",
        ref: String? = nil
    ) async throws -> OrderRecord {
        upstream.add(id, ref: ref)
        return try await registrar.register(
            Self.newOrder(id, user: user, email: email, phone: phone, ref: ref), actor: "merchant",
            requestID: "req-\(id)"
        ).order
    }

    /// Registers an order, has the upstream fulfil it with `code`, and runs one tracker pass; then moves
    /// the clock on a second, so what happens next is told apart from the fulfilment by its time too.
    @discardableResult
    func fulfilled(
        _ id: String, code: String = "112233445566", email: String? = "buyer@shop.dz",
        phone: String? = "+213551234567"
    ) async throws -> OrderRecord {
        try await register(id, email: email, phone: phone)
        upstream.fulfil(id, code: CardCode(code))
        try await tracker.pass()
        let order = try #require(try await order(id))
        try #require(order.status == .fulfilled)
        clock.advance(by: .seconds(1))
        return order
    }

    func order(_ id: String) async throws -> OrderRecord? {
        try await repositories.orders.find(TopupID(id)!)
    }

    func deliveries(_ id: String) async throws -> [DeliveryRecord] {
        try await repositories.orders.deliveries(of: TopupID(id)!)
    }

    // MARK: - Audit

    func events(_ id: String) async throws -> [AuditRecord] {
        try await trail.events(of: TopupID(id)!)
    }

    func kinds(_ id: String) async throws -> [AuditKind] {
        try await events(id).map(\.event.kind)
    }

    /// Every event, oldest first.
    func allEvents() async throws -> [AuditRecord] {
        try await trail.events(after: 0, limit: 10_000)
    }

    func verify() async throws -> AuditVerifier.Outcome {
        try await AuditVerifier(trail: trail).verify()
    }

    // MARK: - Webhooks

    /// The messages in the outbox, oldest first.
    func webhooks() async throws -> [WebhookMessageRecord] {
        try await repositories.webhooks.messages(state: nil, limit: 1_000, after: nil).reversed()
    }

    /// A message's body as JSON.
    static func body(_ message: WebhookMessageRecord) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(message.body.utf8)) as? [String: Any])
    }

    static func data(_ message: WebhookMessageRecord) throws -> [String: Any] {
        try #require(try body(message)["data"] as? [String: Any])
    }
}

/// Catches the refusal a use case throws, for its public code.
func publicError(_ body: () async throws -> Void) async -> PublicError? {
    do {
        try await body()
        return nil
    } catch let error as any DomainRefusal {
        return error.publicError
    } catch {
        Issue.record("not a domain refusal: \(error)")
        return nil
    }
}
