import BitaqaCore

/// What registering an order did.
public enum RegistrationOutcome: Sendable, Equatable {
    /// A new order was stored.
    case created(OrderRecord)
    /// The same request had already registered this order.
    case existing(OrderRecord)
    /// This `topupId` is registered with a different request.
    case conflict(OrderRecord)
    /// Another order already uses this upstream `ref`.
    case refTaken
}

/// Orders and their deliveries.
public protocol OrderRepository: Sendable {
    /// Stores `order` as HANDLING with its first check due at `firstCheckAt`, unless its `topupId` is
    /// known; inside the caller's transaction, so other writes (the audit event) share its fate.
    func register(_ order: NewOrder, now: Int64, firstCheckAt: Int64, in transaction: Transaction) async throws
        -> RegistrationOutcome
    /// The order with this id, whoever owns it.
    func find(_ topupId: TopupID) async throws -> OrderRecord?
    /// The orders with these ids that exist, in no particular order.
    func find(_ topupIds: [TopupID]) async throws -> [OrderRecord]
    /// The order with this id only when `userId` owns it; the check is part of the query. For the buyer's own
    /// views, which never show contacts: the record carries no `email` or `phone`.
    func find(_ topupId: TopupID, ownedBy userId: UserID) async throws -> OrderRecord?
    /// A buyer's orders, newest first.
    func orders(ownedBy userId: UserID, limit: Int) async throws -> [OrderRecord]
    /// Replaces an order's email and phone and their binding together; nil when there is no such order.
    func updateContacts(
        _ topupId: TopupID, email: String?, phone: String?, binding: ContactBinding, now: Int64,
        in transaction: Transaction
    ) async throws -> OrderRecord?
    /// Orders whose contacts are not bound under `keyID` (or not bound at all), after `cursor`: one batch
    /// of a rebinding.
    func ordersNotBound(under keyID: String, after cursor: String?, limit: Int, in transaction: Transaction)
        async throws
        -> [OrderRecord]
    /// Replaces an order's binding, only if it is still `expected`; whether it did.
    func rebind(
        _ topupId: TopupID, expected: ContactBinding?, with binding: ContactBinding, in transaction: Transaction
    ) async throws -> Bool
    /// The deliveries of one order, oldest first.
    func deliveries(of topupId: TopupID) async throws -> [DeliveryRecord]
    /// One page of the merchant's order list, newest first.
    func search(_ search: OrderSearch) async throws -> [OrderRecord]
    /// Orders registered since `since`, per status.
    func countsByStatus(since: Int64) async throws -> [OrderStatus: Int]
    /// Card deliveries per state.
    func cardDeliveryCounts() async throws -> [DeliveryState: Int]
    /// The orders registered within `from...to`, per Algiers day (UTC+1, no daylight saving), oldest
    /// first; days without orders are left out.
    func dailyFigures(from: Int64, to: Int64) async throws -> [DailyFigures]
    /// Adds a note to an order, inside the caller's transaction (with its audit event).
    func addNote(_ note: OrderNote, in transaction: Transaction) async throws
    /// An order's notes, oldest first.
    func notes(of topupId: TopupID) async throws -> [OrderNote]
    /// The orders registered within `from...to` (milliseconds since 1970), oldest first.
    func orders(createdFrom from: Int64, to: Int64) async throws -> [OrderRecord]
    /// The deliveries of these orders, by order.
    func deliveries(of topupIds: [TopupID]) async throws -> [TopupID: [DeliveryRecord]]
    /// Erases an order's contacts in every form they are stored in and stores `binding` (the binding of no
    /// contacts), only while its binding is still `expected`; whether it did.
    func eraseContacts(
        _ topupId: TopupID, expected: ContactBinding?, binding: ContactBinding, now: Int64,
        in transaction: Transaction
    ) async throws -> Bool
    /// Orders in one of `statuses`, unchanged since `before`, that still hold a contact and have no
    /// delivery waiting to be sent: oldest change first.
    func contactsDue(statuses: [OrderStatus], unchangedSince before: Int64, limit: Int) async throws -> [OrderRecord]
    /// Seals the contacts of up to `limit` orders after `cursor` that hold them in clear or, when
    /// `resealing`, sealed under a key other than the active one (and indexes them under the active key).
    /// Without `resealing` the walk reads only the rows in clear, through an index of their own, so the
    /// server's periodic pass costs nothing once every contact is sealed.
    func sealContacts(after cursor: String?, limit: Int, resealing: Bool, in transaction: Transaction)
        async throws -> ContactSealBatch
    /// How many orders hold contacts in clear or sealed under a key other than the active one.
    func contactsToSeal() async throws -> Int
    /// Makes erased and replaced contacts leave the database's files, once the writes that removed them
    /// are committed: SQLite keeps a page's older copies in its write-ahead log until a checkpoint.
    func flushRemovedContacts() async throws
}

/// One batch of sealing contacts.
public struct ContactSealBatch: Sendable, Equatable {
    /// Orders whose contacts were sealed (or sealed again) under the active key.
    public var sealed = 0
    /// Orders whose sealed contacts did not open (moved, tampered, or under a key not in the ring).
    public var unreadable: [TopupID] = []
    /// The last order the batch looked at; nil when nothing was left.
    public var last: String?

    public init(sealed: Int = 0, unreadable: [TopupID] = [], last: String? = nil) {
        self.sealed = sealed
        self.unreadable = unreadable
        self.last = last
    }
}
