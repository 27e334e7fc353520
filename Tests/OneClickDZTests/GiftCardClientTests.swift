import BitaqaCore
import BitaqaTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import OneClickDZ
import OneClickDZSandbox
import Orders
import Testing

@Suite("Gift cards: the client against the sandbox over HTTP")
struct GiftCardClientTests {
    @Test("the catalogue, a product with its types, and an unknown product")
    func catalogue() async throws {
        try await withGiftCards { client, _ in
            let catalog = try await client.catalog()
            #expect(catalog.categories.map(\.name) == ["PlayStation", "Google Play", "Netflix", "Steam", "Free Fire"])
            let listings = catalog.categories.flatMap(\.products)
            #expect(listings.first { $0.id == "psn-dz" }?.region == "DZ")
            #expect(listings.first { $0.id == "free-fire" }?.enabled == false)
            #expect(listings.first { $0.id == "netflix" }?.region == nil)

            let psn = try await client.product("psn-dz")
            #expect(psn.types.map(\.id) == ["psn-1000", "psn-2000", "TEST_REFUND", "TEST_PARTIAL"])
            #expect(psn.types[0] == GiftCardType(id: "psn-1000", name: "PSN 1000 DA", price: 1050, stock: 50))
            #expect(psn.types[1].price == 2080 && psn.types[1].stock == 3)

            let missing = await #expect(throws: UpstreamError.self) { try await client.product("no-such-card") }
            #expect(missing?.isNotFound == true && missing?.code == "PRODUCT_NOT_FOUND" && missing?.httpStatus == 404)
        }
    }

    @Test("3 cards: HANDLING, then FULFILLED with 3 distinct codes and serials, by checkOrder and by list")
    func fulfilled() async throws {
        // Long enough that the first check surely sees HANDLING.
        try await withGiftCards(.fast(resolveAfter: 1.0...1.1)) { client, control in
            let before = try await client.balance()
            let orderId = try await client.placeOrder(productId: "psn-dz", typeId: "psn-1000", quantity: 3)
            let first = try await client.checkOrder(orderId)
            #expect(first.status == .handling, "resolved before the first check: the machine is too slow")
            #expect(first.cards.isEmpty && first.fulfilledQuantity == nil && first.pricePerCard == nil)
            #expect(abs(first.createdAt - TimeSource.system.now()) < 5_000)

            let done = try await Self.settled(client, orderId)
            #expect(done.status == .fulfilled && done.status.isFinal)
            #expect(done.quantity == 3 && done.fulfilledQuantity == 3 && done.pricePerCard == 1050)
            #expect(done.productId == "psn-dz" && done.typeId == "psn-1000" && done.createdAt == first.createdAt)
            #expect(Set(done.cards.map(\.code.revealed)).count == 3)
            #expect(Set(done.cards.compactMap { $0.serial?.revealed }).count == 3)
            #expect(done.cards.allSatisfy { $0.code.revealed.hasPrefix("SBX-") })

            let page: GiftCardOrderPage = try await client.list(from: nil, to: nil, page: 1, pageSize: 20)
            #expect(page.items == [done] && page.totalResults == 1 && page.totalPages == 1)
            #expect(try await client.product("psn-dz").types[0].stock == 47)
            #expect(try await client.balance() == before - 3 * 1050)
            #expect(try await control.counts() == .init(placeOrderCalls: 1, orders: 1))
        }
    }

    @Test("TEST_PARTIAL delivers half the cards; TEST_REFUND none; both are refunded for what did not come")
    func partialAndRefund() async throws {
        try await withGiftCards { client, _ in
            let before = try await client.balance()
            let partial = try await client.placeOrder(productId: "psn-dz", typeId: "TEST_PARTIAL", quantity: 4)
            let odd = try await client.placeOrder(productId: "steam", typeId: "TEST_PARTIAL", quantity: 3)
            let refund = try await client.placeOrder(productId: "google-play", typeId: "TEST_REFUND", quantity: 1)
            let half = try await Self.settled(client, partial)
            #expect(half.status == .partiallyFilled && half.status.isFinal)
            #expect(half.cards.count == 2 && half.fulfilledQuantity == 2 && half.quantity == 4)
            let rounded = try await Self.settled(client, odd)
            #expect(rounded.cards.count == 1 && rounded.fulfilledQuantity == 1 && rounded.pricePerCard == 100)
            let none = try await Self.settled(client, refund)
            #expect(none.status == .refunded && none.cards.isEmpty && none.fulfilledQuantity == 0)
            #expect(none.quantity == 1 && none.productId == "google-play" && none.typeId == "TEST_REFUND")
            #expect(try await client.balance() == before - 3 * 100)
        }
    }

    @Test("refusals are told apart, none may have been carried out, and each placeOrder is sent once")
    func refusals() async throws {
        var poor = SandboxSettings.fast()
        poor.balance = 3_000
        try await withGiftCards(poor) { client, control in
            let stock = await Self.refusal(client, "psn-dz", "psn-2000", 4)
            #expect(stock?.isOutOfStock == true && stock?.isValidation == true && stock?.httpStatus == 400)
            #expect(await Self.refusal(client, "steam", "steam-20", 1)?.isOutOfStock == true)
            let money = await Self.refusal(client, "psn-dz", "psn-1000", 3)
            #expect(money?.isInsufficientBalance == true && money?.isForbidden == true && money?.httpStatus == 403)
            for (product, type, quantity) in [
                ("psn-dz", "psn-1000", 0), ("psn-dz", "nope", 1), ("free-fire", "ff-110", 1),
            ] {
                let invalid = await Self.refusal(client, product, type, quantity)
                #expect(invalid?.code == "ERR_VALIDATION" && invalid?.isValidation == true, "\(product) \(type)")
            }
            for error in [stock, money] { #expect(error?.mayHaveBeenCarriedOut == false) }
            let counts = try await control.counts()
            #expect(counts == .init(placeOrderCalls: 6, orders: 0))
            #expect(try await client.product("psn-dz").types[1].stock == 3)
        }
    }

    @Test("a lost answer may have been carried out, and the order is in the list; placeOrder was sent once")
    func lostAnswer() async throws {
        try await withGiftCards { client, control in
            try await control.faults(lostAnswers: 1)
            let started = TimeSource.system.now() - 1
            let lost = await #expect(throws: UpstreamError.self) {
                try await client.placeOrder(productId: "psn-dz", typeId: "psn-1000", quantity: 2)
            }
            #expect(lost?.mayHaveBeenCarriedOut == true && lost?.isTransport == true)
            #expect(try await control.counts() == .init(placeOrderCalls: 1, orders: 1))
            let page: GiftCardOrderPage = try await client.list(
                from: started, to: TimeSource.system.now() + 1_000, page: 1, pageSize: 100)
            #expect(page.items.count == 1)
            let found = try #require(page.items.first)
            #expect(found.productId == "psn-dz" && found.typeId == "psn-1000" && found.quantity == 2)
            // The fault is spent: the next order is answered.
            _ = try await client.placeOrder(productId: "psn-dz", typeId: "psn-1000", quantity: 1)
        }
    }

    @Test("a 503 may have been carried out as far as the client knows, but here nothing was; sent once")
    func unavailable() async throws {
        try await withGiftCards { client, control in
            try await control.faults(unavailable: 1)
            let error = await #expect(throws: UpstreamError.self) {
                try await client.placeOrder(productId: "psn-dz", typeId: "psn-1000", quantity: 1)
            }
            #expect(error?.isServer == true && error?.httpStatus == 503 && error?.mayHaveBeenCarriedOut == true)
            #expect(try await control.counts() == .init(placeOrderCalls: 1, orders: 0))
            let page: GiftCardOrderPage = try await client.list(from: nil, to: nil, page: 1, pageSize: 20)
            #expect(page.items.isEmpty && page.totalResults == 0)
        }
    }

    @Test("no connection at all: nothing was sent, so nothing can have been carried out")
    func unreachable() async throws {
        // By address (a refused connect) and by name (NIOPosix's connection error).
        for base in ["http://127.0.0.1:1", "http://localhost:1"] {
            let closed = OneClickDZClient(
                configuration: UpstreamConfiguration(
                    baseURL: base, apiKey: Secret("k"), requestTimeout: .milliseconds(500),
                    retry: RetryPolicy(maxAttempts: 1), rateLimiter: nil),
                logger: TestDatabase.quietLogger)
            let error = await #expect(throws: UpstreamError.self) {
                try await closed.placeOrder(productId: "psn-dz", typeId: "psn-1000", quantity: 1)
            }
            #expect(
                error?.mayHaveBeenCarriedOut == false && error?.isTransport == true, "\(base): \(error?.message ?? "-")"
            )
            await closed.shutdown()
        }
    }

    @Test("codes and serials never reach the log at trace level, nor any description of the models")
    func canaries() async throws {
        let logs = LogCapture()
        try await withGiftCards(logs: logs) { client, control in
            let orderId = try await client.placeOrder(productId: "netflix", typeId: "nf-1m", quantity: 2)
            let order = try await Self.settled(client, orderId)
            let page: GiftCardOrderPage = try await client.list(from: nil, to: nil, page: 1, pageSize: 5)
            let secrets = try await control.issued()
            #expect(secrets.count == 4)
            var dumped = ""
            dump(page, to: &dumped)
            dump(order.cards, to: &dumped)
            let texts = [
                logs.text, String(describing: order), String(reflecting: order), String(describing: page),
                String(reflecting: page), "\(order.cards)", String(reflecting: order.cards), dumped,
            ]
            for secret in secrets { #expect(!texts.contains { $0.contains(secret) }) }
        }
        let canary = GiftCardSecret(code: CardCode("CANARY-CODE-7731"), serial: CardCode("CANARY-SERIAL-9902"))
        let state = GiftCardOrderState(
            orderId: "o-1", status: .fulfilled, quantity: 1, productId: "p", typeId: "t", createdAt: 0,
            fulfilledQuantity: 1, pricePerCard: 1, cards: [canary])
        var dumped = ""
        dump(state, to: &dumped)
        dump(canary, to: &dumped)
        for text in [
            String(describing: state), String(reflecting: state), "\(canary)", String(reflecting: canary), dumped,
        ] {
            #expect(!text.contains("CANARY"), "\(text)")
        }
    }

    static func refusal(_ client: OneClickDZClient, _ product: String, _ type: String, _ quantity: Int) async
        -> UpstreamError?
    {
        await #expect(throws: UpstreamError.self) {
            try await client.placeOrder(productId: product, typeId: type, quantity: quantity)
        }
    }

    /// Polls until the order is final.
    static func settled(_ client: OneClickDZClient, _ orderId: String) async throws -> GiftCardOrderState {
        let deadline = ContinuousClock.now + .seconds(10)
        while true {
            let state = try await client.checkOrder(orderId)
            if state.status.isFinal || ContinuousClock.now > deadline { return state }
            try await Task.sleep(for: .milliseconds(30))
        }
    }
}

/// The sandbox's `/sandbox/gift-cards/*` control routes.
struct GiftCardControl: Sendable {
    struct Counts: Equatable {
        let placeOrderCalls: Int
        let orders: Int
    }

    let client: any TestClientProtocol
    let key: String

    func faults(lostAnswers: Int = 0, unavailable: Int = 0) async throws {
        let body = #"{"lostAnswers": \#(lostAnswers), "unavailable": \#(unavailable)}"#
        #expect(try await request(.put, "faults", body: body).success)
    }

    func counts() async throws -> Counts {
        let data = try await request(.get, "counts").data
        return Counts(
            placeOrderCalls: (data["placeOrderCalls"] as? NSNumber)?.intValue ?? -1,
            orders: (data["orders"] as? NSNumber)?.intValue ?? -1)
    }

    /// Every code and serial the sandbox issued.
    func issued() async throws -> [String] {
        try await request(.get, "cards").data["codes"] as? [String] ?? []
    }

    private func request(_ method: HTTPRequest.Method, _ path: String, body: String? = nil) async throws
        -> (success: Bool, data: [String: Any])
    {
        let response = try await client.executeRequest(
            uri: "/sandbox/gift-cards/" + path, method: method, headers: [HTTPField.Name("X-Access-Token")!: key],
            body: body.map { ByteBuffer(string: $0) })
        let object = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
        return (object?["success"] as? Bool ?? false, object?["data"] as? [String: Any] ?? [:])
    }
}

/// A live sandbox on a free loopback port, a client pointed at it and its control routes; at the end,
/// no code, serial or key in anything the client logged.
func withGiftCards<T: Sendable>(
    _ settings: SandboxSettings = .fast(), logs: LogCapture = LogCapture(),
    _ body: @Sendable (OneClickDZClient, GiftCardControl) async throws -> T
) async throws -> T {
    let key = "gift-key-CANARY-0003"
    let sandbox = SandboxServer(settings: settings)
    let app = sandbox.application(host: "127.0.0.1", port: 0, logger: TestDatabase.quietLogger)
    return try await app.test(.live) { client in
        let upstream = OneClickDZClient(
            configuration: UpstreamConfiguration(
                baseURL: "http://127.0.0.1:\(client.port!)", apiKey: Secret(key), connectTimeout: .seconds(2),
                requestTimeout: .seconds(5),
                retry: RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(1), maxDelay: .milliseconds(5)),
                rateLimiter: nil),
            logger: logs.logger())
        let control = GiftCardControl(client: client, key: key)
        do {
            let result = try await body(upstream, control)
            await upstream.shutdown()
            try await expectNoLeak(logs, codes: try await control.issued(), keys: [key])
            return result
        } catch {
            await upstream.shutdown()
            throw error
        }
    }
}
