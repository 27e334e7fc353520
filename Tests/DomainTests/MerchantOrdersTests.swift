import Audit
import BitaqaCore
import Metrics
import Orders
import OrdersDoubles
import Testing

@Suite("The merchant's use cases")
struct MerchantOrdersTests {
    /// The merchant's use cases over `w`, with a look that checks upstream only when the last answer is
    /// an hour old, and the account read fresh for an hour.
    static func merchant(_ w: World) -> (MerchantOrders, UpstreamAccount) {
        let account = UpstreamAccount(
            client: w.upstream, lifetime: .seconds(3_600), factory: NOOPMetricsHandler.instance)
        let orders = MerchantOrders(
            context: w.context, registrar: w.registrar, upstream: w.upstream,
            catalogue: Catalogue(client: w.upstream, lifetime: .seconds(60)), account: account,
            onDemand: OnDemandCheck(
                tracker: w.tracker, after: .seconds(3_600), wait: .seconds(2), background: BackgroundChecks()),
            resender: Resender(context: w.context))
        return (orders, account)
    }

    static let console = MerchantOrders.Requester(
        actor: "console", requestID: "req-c", clientRequestID: nil, session: "sess-1", limited: false)
    static let api = MerchantOrders.Requester(
        actor: "merchant", requestID: "req-a", clientRequestID: "client-1", session: nil, limited: true)

    @Test("show: the order and its deliveries, no upstream call while the last answer is fresh; ORDER_NOT_FOUND")
    func show() async throws {
        let w = try World()
        let (merchant, _) = Self.merchant(w)
        try await w.fulfilled("show-1")
        let view = try await merchant.show(TopupID("show-1")!)
        #expect(view.order.status == .fulfilled)
        #expect(view.deliveries.map(\.channel) == [.email, .sms])
        #expect(w.upstream.calls(to: .checkID).count == 1, "only the tracker's check")
        let refusal = await publicError { _ = try await merchant.show(TopupID("show-missing")!) }
        #expect(refusal?.code == .orderNotFound)
    }

    @Test("show: a HANDLING order whose last answer is old is checked upstream first, and shown as it is now")
    func showRefreshes() async throws {
        let w = try World()
        let background = BackgroundChecks()
        let merchant = MerchantOrders(
            context: w.context, registrar: w.registrar, upstream: w.upstream,
            catalogue: Catalogue(client: w.upstream, lifetime: .seconds(60)),
            account: UpstreamAccount(client: w.upstream, lifetime: .seconds(30), factory: NOOPMetricsHandler.instance),
            onDemand: OnDemandCheck(
                tracker: w.tracker, after: .seconds(60), wait: .seconds(10), background: background),
            resender: Resender(context: w.context))
        let service = Task { try await background.run() }
        try await w.register("show-2")
        w.upstream.fulfil("show-2", code: CardCode("135792468024"))
        w.clock.advance(by: .seconds(59))
        #expect(try await merchant.show(TopupID("show-2")!).order.status == .handling, "the last answer is fresh")
        #expect(w.upstream.calls(to: .checkID).isEmpty)
        w.clock.advance(by: .seconds(1))
        let view = try await merchant.show(TopupID("show-2")!)
        service.cancel()
        _ = await service.result
        #expect(view.order.status == .fulfilled)
        #expect(view.deliveries.count == 2)
        #expect(w.upstream.calls(to: .checkID).count == 1)
    }

    @Test("check now: CHECK_REQUESTED first, then the fulfilled card is stored and its deliveries queued")
    func checkNowFulfilled() async throws {
        let w = try World()
        let (merchant, _) = Self.merchant(w)
        try await w.register("chk-1")
        w.upstream.fulfil("chk-1", code: CardCode("998877665544"))
        let checked = try await merchant.checkNow(TopupID("chk-1")!, by: Self.console)
        #expect(checked.upstreamFailure == nil)
        #expect(checked.view.order.status == .fulfilled)
        #expect(checked.view.deliveries.map(\.state) == [.pending, .pending])
        #expect(checked.view.deliveries.allSatisfy { $0.purpose == .card })
        let events = try await w.events("chk-1")
        #expect(events.map(\.event.kind) == [.orderRegistered, .checkRequested, .statusChanged, .cardStored])
        #expect(events[1].event.actor == "console" && events[1].event.details["session"] == "sess-1")
        #expect(
            events[3].event.details[AuditEvent.deliveriesKey]
                == checked.view.deliveries.map(\.id).joined(separator: ","))
        #expect(w.upstream.calls(to: .checkID).map(\.argument) == ["chk-1"])
        let card = try #require(try await w.repositories.cards.card(of: TopupID("chk-1")!))
        #expect(try w.vault.open(card.sealed, topupId: card.topupId, userId: card.userId) == CardCode("998877665544"))
    }

    @Test("check now when the upstream fails: the failure is told, the check rescheduled, CHECK_REQUESTED kept")
    func checkNowUpstreamDown() async throws {
        let w = try World()
        let (merchant, _) = Self.merchant(w)
        try await w.register("chk-2")
        w.upstream.fail(.checkID, with: UpstreamError(.server, httpStatus: 503))
        let checked = try await merchant.checkNow(TopupID("chk-2")!, by: Self.console)
        #expect(checked.upstreamFailure?.isServer == true)
        #expect(checked.view.order.status == .handling)
        #expect(checked.view.order.checkCount == 1 && checked.view.order.lastCheckedAt == w.now)
        #expect(try #require(checked.view.order.nextCheckAt) > w.now)
        #expect(try await w.kinds("chk-2") == [.orderRegistered, .checkRequested])
    }

    @Test("the API's checks of one order are held to the cooldown: the second is RATE_LIMITED")
    func checkNowCooldown() async throws {
        let w = try World()
        let (merchant, _) = Self.merchant(w)
        try await w.register("chk-3")
        _ = try await merchant.checkNow(TopupID("chk-3")!, by: Self.api)
        w.clock.advance(by: .seconds(1))
        let refusal = await publicError { _ = try await merchant.checkNow(TopupID("chk-3")!, by: Self.api) }
        #expect(refusal?.code == .rateLimited)
        #expect(w.upstream.calls(to: .checkID).count == 1)
        let missing = await publicError { _ = try await merchant.checkNow(TopupID("chk-none")!, by: Self.api) }
        #expect(missing?.code == .orderNotFound)
        #expect(try await w.kinds("chk-none").isEmpty)
    }

    @Test("place refuses INSUFFICIENT_BALANCE when the known balance is below the card's cost, before any send")
    func placeBelowBalance() async throws {
        let w = try World(balance: 300)
        let (merchant, account) = Self.merchant(w)
        try await account.refresh()
        let refusal = await publicError {
            _ = try await merchant.place(
                SendRequest(type: .adsl, number: "036362608", value: 500),
                contact: .init(
                    userId: UserID("buyer-9")!, email: "b@shop.dz", phone: nil, locale: .ar, channels: [.email]),
                by: Self.api, logger: w.log.logger())
        }
        #expect(refusal?.code == .insufficientBalance)
        #expect(w.upstream.calls(to: .send).isEmpty, "nothing was sent upstream")
        #expect(try await w.allEvents().isEmpty)
    }

    @Test("place sends upstream, registers with ORDER_SENT, and lowers the known balance by the cost")
    func place() async throws {
        let w = try World(balance: 10_000)
        let (merchant, account) = Self.merchant(w)
        try await account.refresh()
        let registered = try await merchant.place(
            SendRequest(type: .adsl, number: "036362608", value: 1000),
            contact: .init(
                userId: UserID("buyer-9")!, email: "b@shop.dz", phone: "+213551234567", locale: .ar,
                channels: [.sms, .email]),
            by: Self.api, logger: w.log.logger())
        #expect(registered.created)
        let sent = try #require(w.upstream.calls(to: .send).first)
        #expect(sent.argument == "036362608")
        let topup = try #require(w.upstream.topup(registered.order.topupId.rawValue))
        #expect(registered.order.topupRef == topup.ref)
        #expect(registered.order.channels == [.email, .sms])
        #expect(await account.knownBalance == 10_000 - 980)
        #expect(w.upstream.currentBalance == 10_000 - 980)
        let events = try await w.events(registered.order.topupId.rawValue)
        #expect(events.map(\.event.kind) == [.orderSent])
        #expect(events.first?.event.details["client_request_id"] == "client-1")
    }

    @Test("place turns an upstream refusal into its public code and registers nothing")
    func placeRefusedUpstream() async throws {
        let w = try World()
        let (merchant, _) = Self.merchant(w)
        let contact = OrderRegistrar.Contact(
            userId: UserID("buyer-9")!, email: "b@shop.dz", phone: nil, locale: .fr, channels: [.email])
        let badNumber = await publicError {
            _ = try await merchant.place(
                SendRequest(type: .fourG, number: "036362608", value: 500), contact: contact, by: Self.api,
                logger: w.log.logger())
        }
        #expect(badNumber?.code == .invalidPhone)
        let outOfStock = await publicError {
            _ = try await merchant.place(
                SendRequest(type: .adsl, number: "036362608", value: 3000), contact: contact, by: Self.api,
                logger: w.log.logger())
        }
        #expect(outOfStock?.code == .outOfStock)
        #expect(try await w.allEvents().isEmpty)
    }

    @Test("resend refuses a missing order, one without a card, and a channel without a contact")
    func resendRefusals() async throws {
        let w = try World()
        let (merchant, _) = Self.merchant(w)
        let missing = await publicError { _ = try await merchant.resend(TopupID("rs-0")!, channel: nil, by: Self.api) }
        #expect(missing?.code == .orderNotFound)
        try await w.register("rs-1")
        await #expect(throws: Resender.Refusal.notReady(.handling)) {
            try await merchant.resend(TopupID("rs-1")!, channel: nil, by: Self.api)
        }
        try await w.fulfilled("rs-2", phone: nil)
        await #expect(throws: Resender.Refusal.noContact(.sms)) {
            try await merchant.resend(TopupID("rs-2")!, channel: .sms, by: Self.api)
        }
        let noContact = await publicError {
            _ = try await merchant.resend(TopupID("rs-2")!, channel: .sms, by: Self.api)
        }
        #expect(noContact?.code == .badRequest)
        #expect(try await w.kinds("rs-2").contains(.resendRequested) == false)
    }

    @Test("resend queues the card again on the channels with a contact, audited with the deliveries it queued")
    func resend() async throws {
        let w = try World()
        let (merchant, _) = Self.merchant(w)
        try await w.fulfilled("rs-3", phone: nil)
        let before = try await w.deliveries("rs-3")
        #expect(try await merchant.resend(TopupID("rs-3")!, channel: nil, by: Self.console) == [.email])
        let added = try await w.deliveries("rs-3").filter { delivery in !before.contains { $0.id == delivery.id } }
        #expect(added.map(\.channel) == [.email] && added.allSatisfy { $0.state == .pending })
        let event = try #require(try await w.events("rs-3").last)
        #expect(event.event.kind == .resendRequested && event.event.actor == "console")
        #expect(event.event.details[AuditEvent.deliveriesKey] == added.map(\.id).joined(separator: ","))
    }
}
