import BitaqaCore
import Foundation
import Orders

/// The sandbox's books: top-ups, refs, balance and stock, and a count of requests per route.
actor SandboxState {
    struct Topup {
        let id: String
        let ref: String
        let type: CardType
        let number: String
        let value: Int
        let createdAt: Date
        let resolvesAt: Date
        let outcome: SandboxNumbers.Outcome
        let cardCode: String
        let transactionNumber: String
    }

    let settings: SandboxSettings
    /// The settings that may change while running: the fault rates.
    private(set) var faults: SandboxSettings
    var balance: Double
    private var topups: [String: Topup] = [:]
    private var order: [String] = []
    private var refs: [String: String] = [:]
    private(set) var requests: [String: Int] = [:]
    /// Every request in arrival order, for tests that check who called what when (capped: a sandbox
    /// left running for days must not grow without bound).
    private(set) var log: [SandboxRequestRecord] = []
    static let logCap = 2_000_000

    static let catalogue: [CardType: [(value: Int, available: Bool)]] = [
        .adsl: [(500, true), (1000, true), (2000, true), (3000, false)],
        .fourG: [(500, true), (1000, true), (1500, true), (2000, true), (3000, false)],
    ]

    init(settings: SandboxSettings) {
        self.settings = settings
        self.faults = settings
        self.balance = settings.balance
    }

    func setFaults(
        serverErrors: Double, rateLimits: Double, malformed: Double, slow: Double, slowSeconds: Double, retryAfter: Int,
        routes: [String]? = nil
    ) {
        faults.faultRoutes = routes
        faults.serverErrorRate = serverErrors
        faults.rateLimitRate = rateLimits
        faults.malformedRate = malformed
        faults.slowRate = slow
        faults.slowSeconds = slowSeconds
        faults.retryAfterSeconds = retryAfter
    }

    func count(_ route: String) {
        requests[route, default: 0] += 1
    }

    func record(_ entry: SandboxRequestRecord) {
        if log.count < Self.logCap { log.append(entry) }
    }

    func products(_ type: CardType) -> [Product] {
        (Self.catalogue[type] ?? []).map {
            Product(value: $0.value, cost: Self.cost(of: $0.value), available: $0.available)
        }
    }

    static func cost(of value: Int) -> Double { Double(value) * 0.98 }

    enum SendFailure: Error {
        case duplicatedRef
        case insufficientBalance(required: Double)
        case outOfStock, unknownValue, unknownLine
    }

    func send(type: CardType, number: String, value: Int, ref: String?) throws(SendFailure) -> Topup {
        let outcome = SandboxNumbers.outcome(for: number)
        if outcome == .unknownLine { throw .unknownLine }
        guard let product = Self.catalogue[type]?.first(where: { $0.value == value }) else { throw .unknownValue }
        guard product.available else { throw .outOfStock }
        let ref = ref ?? "API-sandbox-\(Int(Date().timeIntervalSince1970 * 1000))-\(order.count)"
        guard refs[ref] == nil else { throw .duplicatedRef }
        let cost = Self.cost(of: value)
        guard balance >= cost else { throw .insufficientBalance(required: cost) }
        balance -= cost
        let now = Date()
        let topup = Topup(
            id: Self.objectID(), ref: ref, type: type, number: number, value: value, createdAt: now,
            resolvesAt: now.addingTimeInterval(Double.random(in: settings.resolveAfter)), outcome: outcome,
            cardCode: String(format: "%06d%06d", Int.random(in: 0...999_999), Int.random(in: 0...999_999)),
            transactionNumber:
                "AT-\(Calendar(identifier: .gregorian).component(.year, from: now))-\(Int.random(in: 10_000...99_999))"
        )
        topups[topup.id] = topup
        order.append(topup.id)
        refs[ref] = topup.id
        return topup
    }

    func topup(id: String) -> Topup? { topups[id] }

    func issuedCardCodes() -> [String] { topups.values.map(\.cardCode) }

    /// Every top-up in the order it was sent.
    func allTopups() -> [Topup] { order.compactMap { topups[$0] } }

    func topup(ref: String) -> Topup? { refs[ref].flatMap { topups[$0] } }

    /// One page of the history, newest first, of the top-ups created within `from...to` when given.
    func page(_ page: Int, size: Int, from: Date? = nil, to: Date? = nil) -> (items: [Topup], total: Int) {
        let newestFirst = order.reversed().compactMap { topups[$0] }.filter { (topup: Topup) -> Bool in
            topup.createdAt >= (from ?? .distantPast) && topup.createdAt <= (to ?? .distantFuture)
        }
        let start = (page - 1) * size
        guard start < newestFirst.count else { return ([], newestFirst.count) }
        return (Array(newestFirst[start..<min(newestFirst.count, start + size)]), newestFirst.count)
    }

    /// Fields the list leaves out of its items, to test readers of an undocumented shape.
    private(set) var listOmits: [String] = []

    func setListOmits(_ fields: [String]) { listOmits = fields }

    /// Forgets a top-up, as if the upstream had lost it (for reconciliation tests).
    func delete(id: String) -> Bool {
        guard let topup = topups.removeValue(forKey: id) else { return false }
        order.removeAll { $0 == id }
        refs[topup.ref] = nil
        return true
    }

    /// A refunded top-up gives its cost back once.
    func refundIfDue(_ topup: Topup, now: Date) {
        guard topup.outcome == .refunded, now >= topup.resolvesAt, refundedIDs.insert(topup.id).inserted else { return }
        balance += Self.cost(of: topup.value)
    }

    private var refundedIDs: Set<String> = []

    /// 24 hex characters, the shape of the upstream's ids.
    static func objectID() -> String {
        (0..<12).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    }
}
