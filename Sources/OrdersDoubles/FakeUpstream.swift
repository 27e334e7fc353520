import BitaqaCore
import Orders
import Synchronization

/// OneClickDz in memory, for the domain's tests: top-ups whose status a test sets (HANDLING, QUEUED,
/// FULFILLED with a card code, REFUNDED, a status this version does not know, or forgotten: NOT_FOUND),
/// a catalogue and a balance, failures a test queues per endpoint, and every call recorded.
///
/// It answers as the real client does where the domain can tell: `send` refuses a number in the wrong
/// format before anything (`ERR_PHONE`), a value not in the catalogue or out of stock, a `ref` already
/// used (`DUPLICATED_REF`) and a balance below the cost (`INSUFFICIENT_BALANCE`), and spends the cost;
/// `check-id` carries the card only when FULFILLED; `list` is a history, newest first, without cards.
public final class FakeUpstream: InternetUpstream, AccountUpstream, Sendable {
    /// The upstream's calls, as the client's endpoints are named.
    public enum Endpoint: String, Sendable, CaseIterable {
        case products
        case checkNumber = "check-number"
        case send
        case checkID = "check-id"
        case checkRef = "check-ref"
        case list
        case validate
        case balance
    }

    /// One call as received: the endpoint and its main argument (an id, a ref, a number, a page).
    public struct Call: Sendable, Equatable {
        public let endpoint: Endpoint
        public let argument: String?
    }

    /// A top-up as the upstream holds it.
    public struct Topup: Sendable, Equatable {
        public let id: String
        public let ref: String?
        public var type: CardType?
        public var number: String?
        public var amount: Int?
        /// Milliseconds since 1970, from the double's clock.
        public let createdAt: Int64
        public var status: UpstreamStatus
        /// Shown by `check-id` while the status is FULFILLED.
        public var card: FulfilledCard?
    }

    private struct State {
        var topups: [String: Topup] = [:]
        /// Ids in the order the top-ups were made.
        var made: [String] = []
        var balance: Double
        var keyType: String
        var catalogue: [CardType: [Product]]
        var failures: [Endpoint: [UpstreamError]] = [:]
        var calls: [Call] = []
        var serial = 0
        var unreadableInList = 0
    }

    /// The sandbox's catalogue: each value costs 98 % of it; ADSL 3000 and 4G 3000 are out of stock.
    public static let sandboxCatalogue: [CardType: [Product]] = [
        .adsl: [(500, true), (1000, true), (2000, true), (3000, false)].map {
            Product(value: $0.0, cost: Double($0.0) * 0.98, available: $0.1)
        },
        .fourG: [(500, true), (1000, true), (1500, true), (2000, true), (3000, false)].map {
            Product(value: $0.0, cost: Double($0.0) * 0.98, available: $0.1)
        },
    ]

    let time: TimeSource
    private let state: Mutex<State>

    /// - Parameters:
    ///   - time: the clock that dates new top-ups (the test's manual clock).
    ///   - balance: the account's balance in DZD.
    public init(
        time: TimeSource, balance: Double = 100_000, catalogue: [CardType: [Product]] = sandboxCatalogue,
        keyType: String = "SANDBOX"
    ) {
        self.time = time
        self.state = Mutex(State(balance: balance, keyType: keyType, catalogue: catalogue))
    }

    // MARK: - Scripting

    /// A top-up placed upstream by other means (the merchant's own `send`), HANDLING unless told otherwise.
    @discardableResult
    public func add(
        _ topupId: String, ref: String? = nil, type: CardType? = .adsl, number: String? = "036362608",
        amount: Int? = 500, createdAt: Int64? = nil, status: OrderStatus = .handling
    ) -> Topup {
        let topup = Topup(
            id: topupId, ref: ref, type: type, number: number, amount: amount, createdAt: createdAt ?? time.now(),
            status: .known(status))
        state.withLock { state in
            if state.topups[topupId] == nil { state.made.append(topupId) }
            state.topups[topupId] = topup
        }
        return topup
    }

    /// The top-up is FULFILLED with this card.
    public func fulfil(
        _ topupId: String, code: CardCode, transactionNumber: String? = "AT-2026-10001",
        processedDate: String? = "2026-01-01 10:00:00"
    ) {
        change(topupId) { topup in
            topup.status = .known(.fulfilled)
            topup.card = FulfilledCard(code: code, transactionNumber: transactionNumber, processedDate: processedDate)
        }
    }

    /// The top-up's status becomes `status`, without a card (FULFILLED here: the upstream's answer
    /// without a code, which the tracker asks again about).
    public func set(_ topupId: String, to status: OrderStatus) {
        change(topupId) { topup in
            topup.status = .known(status)
            topup.card = nil
        }
    }

    /// The top-up's status becomes one this version does not know.
    public func set(_ topupId: String, toUnknown raw: String) {
        change(topupId) { topup in
            topup.status = .unknown(raw)
            topup.card = nil
        }
    }

    /// The upstream no longer knows the top-up: `check-id` and `check-ref` answer NOT_FOUND.
    public func forget(_ topupId: String) {
        state.withLock { state in
            state.topups[topupId] = nil
            state.made.removeAll { $0 == topupId }
        }
    }

    /// The next `times` calls to `endpoint` fail with `error`, before anything else happens.
    public func fail(_ endpoint: Endpoint, with error: UpstreamError, times: Int = 1) {
        state.withLock { state in
            state.failures[endpoint, default: []] += Array(repeating: error, count: times)
        }
    }

    public func setBalance(_ balance: Double) {
        state.withLock { $0.balance = balance }
    }

    /// How many items each `list` page reports it could not read.
    public func setUnreadableInList(_ count: Int) {
        state.withLock { $0.unreadableInList = count }
    }

    // MARK: - Inspection

    /// Every call so far, in order.
    public var calls: [Call] { state.withLock { $0.calls } }

    public func calls(to endpoint: Endpoint) -> [Call] {
        calls.filter { $0.endpoint == endpoint }
    }

    public func topup(_ topupId: String) -> Topup? {
        state.withLock { $0.topups[topupId] }
    }

    /// The account's balance now, without a call.
    public var currentBalance: Double { state.withLock { $0.balance } }

    // MARK: - InternetUpstream

    public func products(_ type: CardType) async throws(UpstreamError) -> [Product] {
        try receive(.products, type.rawValue) { state throws(UpstreamError) in state.catalogue[type] ?? [] }
    }

    public func checkNumber(_ type: CardType, number: String) async throws(UpstreamError) -> NumberCheck {
        guard NumberFormat.isValid(number, for: type) else { throw UpstreamError(.invalidNumber, code: "ERR_PHONE") }
        return try receive(.checkNumber, number) { _ throws(UpstreamError) in
            NumberCheck(ncli: "****" + number.suffix(4), offer: type == .adsl ? "ADSL 8 Mbps" : nil, type: type)
        }
    }

    public func send(_ request: SendRequest) async throws(UpstreamError) -> SendResult {
        guard NumberFormat.isValid(request.number, for: request.type) else {
            throw UpstreamError(.invalidNumber, code: "ERR_PHONE")
        }
        let now = time.now()
        return try receive(.send, request.number) { state throws(UpstreamError) in
            guard let product = state.catalogue[request.type]?.first(where: { $0.value == request.value }) else {
                throw UpstreamError(.validation, code: "ERR_VALIDATION", httpStatus: 400)
            }
            guard product.available else { throw UpstreamError(.validation, code: "ERR_STOCK", httpStatus: 400) }
            state.serial += 1
            let ref = request.ref ?? "bitaqa-fake-\(state.serial)"
            guard !state.topups.values.contains(where: { $0.ref == ref }) else {
                throw UpstreamError(.forbidden, code: "DUPLICATED_REF", httpStatus: 403)
            }
            guard state.balance >= product.cost else {
                throw UpstreamError(.forbidden, code: "INSUFFICIENT_BALANCE", httpStatus: 403)
            }
            state.balance -= product.cost
            let id = "fake-topup-\(state.serial)"
            state.topups[id] = Topup(
                id: id, ref: ref, type: request.type, number: request.number, amount: request.value, createdAt: now,
                status: .known(.handling))
            state.made.append(id)
            return SendResult(topupId: id, topupRef: ref)
        }
    }

    public func checkID(_ topupId: String) async throws(UpstreamError) -> TopupStatus {
        try receive(.checkID, topupId) { state throws(UpstreamError) in
            guard let topup = state.topups[topupId] else { throw Self.notFound }
            return Self.status(of: topup, withCard: true)
        }
    }

    public func checkRef(_ ref: String) async throws(UpstreamError) -> TopupStatus {
        try receive(.checkRef, ref) { state throws(UpstreamError) in
            guard let topup = state.topups.values.first(where: { $0.ref == ref }) else { throw Self.notFound }
            return Self.status(of: topup, withCard: true)
        }
    }

    public func list(from: Int64?, to: Int64?, page: Int, pageSize: Int) async throws(UpstreamError) -> TopupPage {
        try receive(.list, "page \(page)") { state throws(UpstreamError) in
            let size = min(100, max(1, pageSize))
            let page = max(1, page)
            let newestFirst = state.made.reversed().compactMap { state.topups[$0] }.filter {
                $0.createdAt >= (from ?? .min) && $0.createdAt <= (to ?? .max)
            }
            let start = (page - 1) * size
            let items =
                start < newestFirst.count ? Array(newestFirst[start..<min(newestFirst.count, start + size)]) : []
            return TopupPage(
                items: items.map { Self.status(of: $0, withCard: false) }, unreadable: state.unreadableInList,
                page: page, pageSize: size, totalPages: max(1, (newestFirst.count + size - 1) / size),
                totalResults: newestFirst.count)
        }
    }

    // MARK: - AccountUpstream

    public func validate() async throws(UpstreamError) -> KeyInfo {
        try receive(.validate, nil) { state throws(UpstreamError) in
            KeyInfo(type: state.keyType, scope: "READ-WRITE", isEnabled: true, username: "fake")
        }
    }

    public func balance() async throws(UpstreamError) -> Double {
        try receive(.balance, nil) { state throws(UpstreamError) in state.balance }
    }

    // MARK: - Answering

    static let notFound = UpstreamError(.notFound, code: "NOT_FOUND", httpStatus: 404)

    /// Records the call, fails it when a failure is queued for its endpoint, and answers otherwise.
    private func receive<T: Sendable>(
        _ endpoint: Endpoint, _ argument: String?, _ answer: (inout State) throws(UpstreamError) -> T
    ) throws(UpstreamError) -> T {
        let outcome: Result<T, UpstreamError> = state.withLock { state in
            state.calls.append(Call(endpoint: endpoint, argument: argument))
            if var queued = state.failures[endpoint], !queued.isEmpty {
                let failure = queued.removeFirst()
                state.failures[endpoint] = queued
                return .failure(failure)
            }
            do throws(UpstreamError) {
                return .success(try answer(&state))
            } catch {
                return .failure(error)
            }
        }
        return try outcome.get()
    }

    private func change(_ topupId: String, _ body: (inout Topup) -> Void) {
        state.withLock { state in
            guard var topup = state.topups[topupId] else {
                preconditionFailure("FakeUpstream has no top-up \(topupId): add it first")
            }
            body(&topup)
            state.topups[topupId] = topup
        }
    }

    private static func status(of topup: Topup, withCard: Bool) -> TopupStatus {
        TopupStatus(
            topupId: topup.id, ref: topup.ref, status: topup.status, type: topup.type, number: topup.number,
            amount: topup.amount, createdAt: Timestamp.iso8601(topup.createdAt),
            card: withCard && topup.status == .known(.fulfilled) ? topup.card : nil)
    }
}
