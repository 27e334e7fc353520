import BitaqaCore

/// What storing a new gift-card order did.
public enum GiftCardInsertOutcome: Sendable, Equatable {
    case created(GiftCardOrder)
    /// The same request had already stored this ref.
    case existing(GiftCardOrder)
    /// This ref names an order of a different request (of either product line).
    case conflict
}

/// Gift-card orders: a row among the orders (so deliveries, webhooks, notes and the audit trail hang on
/// it as on a top-up) and its details and sealed cards. Every change of state is conditional on the
/// state it leaves, so two workers acting on one order cannot both succeed.
public protocol GiftCardRepository: Sendable {
    /// Stores `order` in `status` (`PLACING` before the upstream is asked, `HANDLING` for one already
    /// placed, with its `orderId`), first check at `nextCheckAt`, unless its ref is known.
    func insert(
        _ order: NewGiftCardOrder, status: OrderStatus, orderId: String?, binding: ContactBinding?, nextCheckAt: Int64,
        now: Int64, in transaction: Transaction
    ) async throws -> GiftCardInsertOutcome
    func find(ref: String) async throws -> GiftCardOrder?
    func find(orderId: String) async throws -> GiftCardOrder?
    /// Of these upstream ids, those an order already holds.
    func knownOrderIds(_ orderIds: [String]) async throws -> Set<String>
    /// `PLACING` or `UNCERTAIN` becomes `HANDLING` with the upstream's id; false when the order had
    /// left those states or another order holds the id.
    func recordPlaced(
        ref: String, orderId: String, binding: ContactBinding, nextCheckAt: Int64, now: Int64,
        in transaction: Transaction
    ) async throws -> Bool
    /// Replaces the binding of an order's `orderId` (a key rotation); only if it is still `expected`.
    func rebind(ref: String, expected: ContactBinding, with binding: ContactBinding) async throws -> Bool
    /// Marks when the unanswered `placeOrder` was sent, and the next look at the upstream's list.
    func recordPlaceAttempt(ref: String, at: Int64, nextCheckAt: Int64, in transaction: Transaction) async throws
    /// `PLACING` becomes `NOT_PLACED` (no candidates) or `UNCERTAIN` (with them); false when it had left
    /// `PLACING`.
    func recordUnresolved(
        ref: String, status: OrderStatus, candidates: [GiftCardCandidate], now: Int64, in transaction: Transaction
    ) async throws -> Bool
    /// Orders whose next check is due (`PLACING`, `HANDLING`), earliest first.
    func due(now: Int64, limit: Int) async throws -> [GiftCardOrder]
    /// Orders that wait for the upstream (`PLACING`, `HANDLING`, `UNCERTAIN`).
    func pending(limit: Int) async throws -> [GiftCardOrder]
    /// Counts a check and sets the next one.
    func recordCheck(ref: String, nextCheckAt: Int64?, now: Int64) async throws
    /// `HANDLING` becomes final with its cards, in one write; false when it had already left `HANDLING`.
    func recordOutcome(ref: String, _ outcome: GiftCardOutcome, now: Int64, in transaction: Transaction)
        async throws -> Bool
    /// Orders newest first, after `search`'s filters and cursor.
    func search(_ search: GiftCardSearch) async throws -> [GiftCardOrder]
    /// The sealed cards of an order, by position.
    func cards(ofRef ref: String) async throws -> [SealedGiftCard]
    /// Gift cards not under `keyID`, after `cursor` (a ref and a position): a batch of a key rotation.
    func cards(
        notUnder keyID: String, after cursor: (ref: String, position: Int)?, limit: Int,
        in transaction: Transaction
    ) async throws
        -> [(order: GiftCardOrder, card: SealedGiftCard)]
    /// How many gift cards are under each key id.
    func countByKey() async throws -> [String: Int]
    /// Replaces a card's blobs and key id, only if its code blob is still `expected`.
    func replace(
        ref: String, position: Int, expected: [UInt8], with card: SealedGiftCard, in transaction: Transaction
    ) async throws -> Bool
}

/// The filters of the gift-card order list: each one given narrows it.
public struct GiftCardSearch: Sendable, Equatable {
    public var status: OrderStatus?
    public var userId: UserID?
    /// A ref, an upstream orderId, an email in any case or a phone as stored: exact matches.
    public var text: String?
    /// The last order of the previous page (its creation time and ref): the page starts after it.
    public var after: GiftCardCursor?
    public var limit: Int

    public init(
        status: OrderStatus? = nil, userId: UserID? = nil, text: String? = nil, after: GiftCardCursor? = nil,
        limit: Int = 50
    ) {
        self.status = status
        self.userId = userId
        self.text = text
        self.after = after
        self.limit = limit
    }
}

/// Where a page of gift-card orders ends, newest first: the last order's creation time and ref.
public struct GiftCardCursor: Sendable, Equatable {
    public let createdAt: Int64
    public let ref: String

    public init(createdAt: Int64, ref: String) {
        self.createdAt = createdAt
        self.ref = ref
    }

    /// `createdAt.ref`, opaque to clients.
    public var text: String { "\(createdAt).\(ref)" }

    public init?(text: String) {
        guard let dot = text.firstIndex(of: "."), let at = Int64(text[..<dot]) else { return nil }
        self.init(createdAt: at, ref: String(text[text.index(after: dot)...]))
    }
}
