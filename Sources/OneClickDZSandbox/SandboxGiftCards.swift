import Foundation

/// The sandbox's gift cards: a small catalogue with stock, the orders placed, and the `placeOrder` faults
/// a test scripts. Orders are paid from the sandbox's one balance (``SandboxState/balance``), so top-ups
/// and gift cards spend the same account, as upstream.
actor SandboxGiftCards {
    struct GiftType {
        let id: String
        let name: String
        let price: Double
        var stock: Int
    }

    struct GiftProduct {
        let id: String
        let title: String
        let region: String?
        let enabled: Bool
        var types: [GiftType]
    }

    struct Card {
        let value: String
        let serial: String
    }

    struct Order {
        let id: String
        let productId: String
        let productTitle: String
        let typeId: String
        let typeName: String
        let quantity: Int
        let price: Double
        let createdAt: Date
        let resolvesAt: Date
        /// The status once resolved: FULFILLED, PARTIALLY_FILLED or REFUNDED.
        let outcome: String
        /// The cards it delivers when resolved.
        let cards: [Card]
    }

    enum PlaceFailure: Error {
        case invalid(String)
        case outOfStock(available: Int)
        case insufficientBalance(required: Double)
    }

    /// The documented test types, on every product.
    static let refundType = "TEST_REFUND"
    static let partialType = "TEST_PARTIAL"

    let settings: SandboxSettings
    let categories: [(name: String, productIDs: [String])]
    private(set) var products: [String: GiftProduct]
    private var orders: [String: Order] = [:]
    private var made: [String] = []
    private var refunded: Set<String> = []
    private var lostAnswers = 0
    private var unavailable = 0

    init(settings: SandboxSettings) {
        self.settings = settings
        let catalogue = Self.catalogue()
        categories = catalogue.map { ($0.name, $0.products.map(\.id)) }
        products = Dictionary(uniqueKeysWithValues: catalogue.flatMap(\.products).map { ($0.id, $0) })
    }

    /// One product per category; Steam 20 EUR is out of stock and Free Fire disabled.
    static func catalogue() -> [(name: String, products: [GiftProduct])] {
        func type(_ id: String, _ name: String, _ price: Double, _ stock: Int) -> GiftType {
            GiftType(id: id, name: name, price: price, stock: stock)
        }
        let tests = [type(refundType, "Test: ends REFUNDED", 100, 1_000), type(partialType, "Test: half", 100, 1_000)]
        let table: [(category: String, id: String, title: String, region: String?, types: [GiftType])] = [
            (
                "PlayStation", "psn-dz", "PlayStation Network DZ", "DZ",
                [type("psn-1000", "PSN 1000 DA", 1050, 50), type("psn-2000", "PSN 2000 DA", 2080, 3)]
            ),
            (
                "Google Play", "google-play", "Google Play", "DZ",
                [type("gp-500", "Google Play 500 DA", 530, 40), type("gp-1000", "Google Play 1000 DA", 1040, 20)]
            ),
            ("Netflix", "netflix", "Netflix", nil, [type("nf-1m", "Netflix 1 mois", 1700, 10)]),
            (
                "Steam", "steam", "Steam Wallet", "EU",
                [type("steam-20", "Steam 20 EUR", 4900, 0), type("steam-50", "Steam 50 EUR", 12_100, 5)]
            ),
            ("Free Fire", "free-fire", "Free Fire Diamonds", nil, [type("ff-110", "110 Diamants", 230, 100)]),
        ]
        return table.map { row in
            let product = GiftProduct(
                id: row.id, title: row.title, region: row.region, enabled: row.id != "free-fire",
                types: row.types + tests)
            return (row.category, [product])
        }
    }

    // MARK: - Orders

    /// Validates, takes the stock and the money, and creates the order HANDLING.
    func place(productId: String, typeId: String, quantity: Int, account: SandboxState) async throws(PlaceFailure)
        -> Order
    {
        guard let product = products[productId] else { throw .invalid("unknown productId") }
        guard let index = product.types.firstIndex(where: { $0.id == typeId }) else {
            throw .invalid("unknown typeId for this product")
        }
        guard quantity >= 1 else { throw .invalid("quantity must be at least 1") }
        guard product.enabled else { throw .invalid("this product is disabled") }
        let type = product.types[index]
        guard type.stock >= quantity else { throw .outOfStock(available: type.stock) }
        // Taken before the balance is charged: another order may run while this one waits for it.
        products[productId]?.types[index].stock -= quantity
        let cost = type.price * Double(quantity)
        guard await account.charge(cost) else {
            products[productId]?.types[index].stock += quantity
            throw .insufficientBalance(required: cost)
        }
        let delivered: Int
        let outcome: String
        switch typeId {
        case Self.refundType: (delivered, outcome) = (0, "REFUNDED")
        case Self.partialType: (delivered, outcome) = (quantity / 2, "PARTIALLY_FILLED")
        default: (delivered, outcome) = (quantity, "FULFILLED")
        }
        let now = Date()
        let order = Order(
            id: SandboxState.objectID(), productId: productId, productTitle: product.title, typeId: typeId,
            typeName: type.name, quantity: quantity, price: type.price, createdAt: now,
            resolvesAt: now.addingTimeInterval(Double.random(in: settings.resolveAfter)), outcome: outcome,
            cards: (0..<delivered).map { _ in
                Card(
                    value: "SBX-" + Self.random(16, from: Self.alphanumerics),
                    serial: "SN-" + Self.random(10, from: "0123456789"))
            }
        )
        orders[order.id] = order
        made.append(order.id)
        return order
    }

    func order(_ id: String) -> Order? { orders[id] }

    var orderCount: Int { orders.count }

    /// One page, newest first, of the orders created within `from...to` when given.
    func page(_ page: Int, size: Int, from: Date?, to: Date?) -> (items: [Order], total: Int) {
        let newestFirst = made.reversed().compactMap { orders[$0] }.filter {
            $0.createdAt >= (from ?? .distantPast) && $0.createdAt <= (to ?? .distantFuture)
        }
        let start = (page - 1) * size
        guard start < newestFirst.count else { return ([], newestFirst.count) }
        return (Array(newestFirst[start..<min(newestFirst.count, start + size)]), newestFirst.count)
    }

    /// The money of the cards that did not come, once, when the order has resolved; 0 otherwise.
    func refundDue(_ order: Order, now: Date) -> Double {
        guard now >= order.resolvesAt, order.cards.count < order.quantity, refunded.insert(order.id).inserted else {
            return 0
        }
        return Double(order.quantity - order.cards.count) * order.price
    }

    /// Every code and serial issued, for leak searches.
    /// Every order's id, quantity, outcome and when it resolves, for benchmarks' time to card.
    func timings() -> [Timing] {
        made.compactMap { orders[$0] }.map {
            Timing(
                id: $0.id, quantity: $0.quantity, outcome: $0.outcome, cards: $0.cards.count,
                createdAt: $0.createdAt.timeIntervalSince1970, resolvesAt: $0.resolvesAt.timeIntervalSince1970)
        }
    }

    struct Timing: Sendable, Encodable {
        let id: String
        let quantity: Int
        let outcome: String
        let cards: Int
        let createdAt: Double
        let resolvesAt: Double
    }

    func issued() -> [String] {
        orders.values.flatMap { $0.cards.flatMap { [$0.value, $0.serial] } }
    }

    // MARK: - Faults

    func setFaults(lostAnswers: Int, unavailable: Int) {
        self.lostAnswers = max(0, lostAnswers)
        self.unavailable = max(0, unavailable)
    }

    /// Whether this `placeOrder` must be refused with a 503 before anything is created.
    func takeUnavailable() -> Bool {
        guard unavailable > 0 else { return false }
        unavailable -= 1
        return true
    }

    /// Whether the answer of this (carried out) `placeOrder` must be lost.
    func takeLostAnswer() -> Bool {
        guard lostAnswers > 0 else { return false }
        lostAnswers -= 1
        return true
    }

    static let alphanumerics = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

    static func random(_ count: Int, from alphabet: String) -> String {
        String((0..<count).map { _ in alphabet.randomElement() ?? "0" })
    }
}

extension SandboxState {
    /// Takes `amount` from the balance; false, and nothing taken, when it does not cover it.
    func charge(_ amount: Double) -> Bool {
        guard balance >= amount else { return false }
        balance -= amount
        return true
    }

    func credit(_ amount: Double) {
        balance += amount
    }
}
