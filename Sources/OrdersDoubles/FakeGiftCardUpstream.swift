import BitaqaCore
import Orders
import Synchronization

/// OneClickDz's gift cards in memory, for the domain's tests: a catalogue with stock and a balance,
/// orders whose outcome a test sets, failures a test queues, and every call recorded.
///
/// `placeOrder` answers as the sandbox does: an unknown product or type, or a quantity below 1, is
/// `ERR_VALIDATION`; too little stock `ERR_STOCK`; too little balance `INSUFFICIENT_BALANCE`; otherwise
/// the stock and the money are taken and the order is HANDLING until the test settles it.
public final class FakeGiftCardUpstream: GiftCardUpstream, Sendable {
    public enum Endpoint: String, Sendable, CaseIterable {
        case catalog, product, placeOrder, checkOrder, list
    }

    public struct Call: Sendable, Equatable {
        public let endpoint: Endpoint
        public let argument: String?
    }

    /// How a queued failure strikes: before anything happens, or after the order was made (the answer lost).
    public enum Failure: Sendable {
        case refused(UpstreamError)
        case lostAnswer(UpstreamError)
    }

    private struct State {
        var categories: [GiftCardCategory]
        var products: [String: GiftCardProduct]
        var balance: Double
        var orders: [String: GiftCardOrderState] = [:]
        /// Ids in the order the orders were made.
        var made: [String] = []
        var failures: [Endpoint: [Failure]] = [:]
        var calls: [Call] = []
        var serial = 0
    }

    /// A lost answer as the client reports one: a timeout, so `mayHaveBeenCarriedOut` holds.
    public static let lostAnswerError = UpstreamError(.timeout, message: "answer lost")
    /// A 503 before anything was created.
    public static let unavailableError = UpstreamError(.server, code: "SERVICE_UNAVAILABLE", httpStatus: 503)

    /// The sandbox's PlayStation product, with its documented test types.
    public static let playStation = GiftCardProduct(
        productId: "psn-dz", title: "PlayStation Network DZ",
        types: [
            GiftCardType(id: "psn-1000", name: "PSN 1000 DA", price: 1050, stock: 50),
            GiftCardType(id: "psn-2000", name: "PSN 2000 DA", price: 2080, stock: 3),
            GiftCardType(id: "TEST_REFUND", name: "Test: ends REFUNDED", price: 100, stock: 1_000),
            GiftCardType(id: "TEST_PARTIAL", name: "Test: half the cards", price: 100, stock: 1_000),
        ])

    let time: TimeSource
    private let state: Mutex<State>

    public init(time: TimeSource, balance: Double = 100_000, products: [GiftCardProduct] = [playStation]) {
        self.time = time
        let listings = products.map { GiftCardListing(id: $0.productId, title: $0.title, enabled: true, region: "DZ") }
        state = Mutex(
            State(
                categories: [GiftCardCategory(name: "Gift cards", products: listings)],
                products: Dictionary(uniqueKeysWithValues: products.map { ($0.productId, $0) }), balance: balance))
    }

    // MARK: - Scripting

    /// The next `times` calls to `endpoint` fail this way.
    public func fail(_ endpoint: Endpoint, _ failure: Failure, times: Int = 1) {
        state.withLock { $0.failures[endpoint, default: []] += Array(repeating: failure, count: times) }
    }

    /// The order ends with `codes` (each a code and its serial), FULFILLED when all came, PARTIALLY_FILLED
    /// when fewer did, REFUNDED when none did.
    public func settle(_ orderId: String, codes: [(code: String, serial: String?)]) {
        state.withLock { state in
            guard let order = state.orders[orderId] else {
                preconditionFailure("FakeGiftCardUpstream has no order \(orderId)")
            }
            let status: GiftCardUpstreamStatus =
                codes.isEmpty ? .refunded : codes.count < order.quantity ? .partiallyFilled : .fulfilled
            let price = state.products[order.productId]?.types.first { $0.id == order.typeId }?.price ?? 0
            state.balance += Double(order.quantity - codes.count) * price
            state.orders[orderId] = GiftCardOrderState(
                orderId: orderId, status: status, quantity: order.quantity, productId: order.productId,
                typeId: order.typeId, createdAt: order.createdAt, fulfilledQuantity: codes.count,
                pricePerCard: price,
                cards: codes.map { GiftCardSecret(code: CardCode($0.code), serial: $0.serial.map(CardCode.init)) })
        }
    }

    public func setBalance(_ balance: Double) {
        state.withLock { $0.balance = balance }
    }

    // MARK: - Inspection

    public var calls: [Call] { state.withLock { $0.calls } }

    /// `placeOrder` calls received, failures included.
    public var placeOrderCalls: Int { calls.filter { $0.endpoint == .placeOrder }.count }

    /// Every order made, oldest first.
    public var orders: [GiftCardOrderState] { state.withLock { state in state.made.compactMap { state.orders[$0] } } }

    public var currentBalance: Double { state.withLock { $0.balance } }

    // MARK: - GiftCardUpstream

    public func catalog() async throws(UpstreamError) -> GiftCardCatalog {
        try receive(.catalog, nil) { state throws(UpstreamError) in GiftCardCatalog(categories: state.categories) }
    }

    public func product(_ productId: String) async throws(UpstreamError) -> GiftCardProduct {
        try receive(.product, productId) { state throws(UpstreamError) in
            guard let product = state.products[productId] else {
                throw UpstreamError(.notFound, code: "PRODUCT_NOT_FOUND", httpStatus: 404)
            }
            return product
        }
    }

    public func placeOrder(productId: String, typeId: String, quantity: Int) async throws(UpstreamError) -> String {
        let now = time.now()
        return try receive(.placeOrder, "\(productId)/\(typeId)x\(quantity)") { state throws(UpstreamError) in
            guard var product = state.products[productId],
                let index = product.types.firstIndex(where: { $0.id == typeId }), quantity >= 1
            else { throw UpstreamError(.validation, code: "ERR_VALIDATION", httpStatus: 400) }
            let type = product.types[index]
            guard type.stock >= quantity else { throw UpstreamError(.validation, code: "ERR_STOCK", httpStatus: 400) }
            let cost = type.price * Double(quantity)
            guard state.balance >= cost else {
                throw UpstreamError(.forbidden, code: "INSUFFICIENT_BALANCE", httpStatus: 403)
            }
            state.balance -= cost
            var types = product.types
            types[index] = GiftCardType(id: type.id, name: type.name, price: type.price, stock: type.stock - quantity)
            product = GiftCardProduct(productId: product.productId, title: product.title, types: types)
            state.products[productId] = product
            state.serial += 1
            let id = "fake-gift-order-\(state.serial)"
            state.orders[id] = GiftCardOrderState(
                orderId: id, status: .handling, quantity: quantity, productId: productId, typeId: typeId,
                createdAt: now, fulfilledQuantity: nil, pricePerCard: nil, cards: [])
            state.made.append(id)
            return id
        }
    }

    public func checkOrder(_ orderId: String) async throws(UpstreamError) -> GiftCardOrderState {
        try receive(.checkOrder, orderId) { state throws(UpstreamError) in
            guard let order = state.orders[orderId] else {
                throw UpstreamError(.notFound, code: "NOT_FOUND", httpStatus: 404)
            }
            return order
        }
    }

    public func list(from: Int64?, to: Int64?, page: Int, pageSize: Int) async throws(UpstreamError)
        -> GiftCardOrderPage
    {
        try receive(.list, "page \(page)") { state throws(UpstreamError) in
            let size = min(100, max(1, pageSize))
            let page = max(1, page)
            let newestFirst = state.made.reversed().compactMap { state.orders[$0] }.filter {
                $0.createdAt >= (from ?? .min) && $0.createdAt <= (to ?? .max)
            }
            let start = (page - 1) * size
            let items =
                start < newestFirst.count ? Array(newestFirst[start..<min(newestFirst.count, start + size)]) : []
            return GiftCardOrderPage(
                items: items, page: page, totalPages: max(1, (newestFirst.count + size - 1) / size),
                totalResults: newestFirst.count)
        }
    }

    // MARK: - Answering

    /// Records the call, then: a queued refusal fails it before anything; a queued lost answer lets it
    /// happen and fails it afterwards; otherwise it is answered.
    private func receive<T: Sendable>(
        _ endpoint: Endpoint, _ argument: String?, _ answer: (inout State) throws(UpstreamError) -> T
    ) throws(UpstreamError) -> T {
        let outcome: Result<T, UpstreamError> = state.withLock { state in
            state.calls.append(Call(endpoint: endpoint, argument: argument))
            var failure: Failure?
            if var queued = state.failures[endpoint], !queued.isEmpty {
                failure = queued.removeFirst()
                state.failures[endpoint] = queued
            }
            if case .refused(let error) = failure { return .failure(error) }
            do throws(UpstreamError) {
                let value = try answer(&state)
                if case .lostAnswer(let error) = failure { return .failure(error) }
                return .success(value)
            } catch {
                return .failure(error)
            }
        }
        return try outcome.get()
    }
}
