import Audit
import BitaqaCore
import Orders
import Synchronization

/// One database held in memory, shared by every in-memory repository: what the domain's own tests run
/// on instead of SQLite or PostgreSQL, with the semantics of Storage's SQL kept where the domain can
/// tell the difference.
///
/// Writers take turns, as on SQLite: a transaction, and every write made outside one (a claim, a
/// recorded check), waits for the previous one to end, in arrival order. A transaction works on a copy
/// of the committed tables; it replaces them when its body returns and is dropped when the body throws,
/// so a failed use case leaves nothing behind. Reads outside a transaction see only what was committed,
/// as a reader on another connection does. A transaction or an outside write started from inside an
/// open transaction throws ``MemoryDatabaseError/nested`` at once: on SQLite it could only wait for
/// itself (Storage's `WriterQueue` throws the same way), and a test should fail rather than hang.
public final class MemoryDatabase: TransactionRunner, Sendable {
    private struct Core: Sendable {
        var committed = MemoryTables()
        /// The open transaction's copy of the tables, and its id.
        var working: MemoryTables?
        var openID: UInt64?
        /// Whether a writer holds the turn, and who waits for it, first come first served.
        var busy = false
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let core = Mutex(Core())

    /// Ids of transactions, unique across every database of the process.
    private static let transactionIDs = Atomic<UInt64>(0)
    /// The transaction the current task runs inside, if any.
    @TaskLocal private static var enclosing: UInt64?

    public init() {}

    /// Every repository of the domain over this database, and this database as their transactions.
    public var repositories: Repositories {
        Repositories(
            orders: MemoryOrderRepository(database: self), cards: MemoryCardRepository(database: self),
            pipeline: MemoryPipelineRepository(database: self), audit: MemoryAuditRepository(database: self),
            leases: MemoryLeases(database: self), rateLimits: MemoryRateLimiter(database: self),
            webhooks: MemoryWebhookRepository(database: self), alerts: MemoryAlertRepository(database: self),
            consoleSessions: MemoryConsoleSessionRepository(database: self),
            staff: MemoryStaffRepository(database: self),
            workers: MemoryWorkerRepository(database: self), giftCards: MemoryGiftCardRepository(database: self),
            transactions: self)
    }

    /// The audit trail stored here, its new events authenticated with `keys` when given.
    public func trail(keys: AuditKeys?) -> AuditTrail {
        AuditTrail(repository: MemoryAuditRepository(database: self), transactions: self, keys: keys)
    }

    // MARK: - Transactions

    public func transaction<T: Sendable>(_ body: @escaping @Sendable (Transaction) async throws -> T) async throws -> T
    {
        try refuseNested()
        await takeTurn()
        defer { passTurn() }
        let id = Self.transactionIDs.add(1, ordering: .relaxed).newValue
        core.withLock { core in
            core.working = core.committed
            core.openID = id
        }
        let handle = Transaction(handle: MemoryTransaction(database: ObjectIdentifier(self), id: id))
        do {
            let result = try await Self.$enclosing.withValue(id) { try await body(handle) }
            core.withLock { core in
                if let working = core.working { core.committed = working }
                core.working = nil
                core.openID = nil
            }
            return result
        } catch {
            core.withLock { core in
                core.working = nil
                core.openID = nil
            }
            throw error
        }
    }

    // MARK: - Access for the repositories

    /// Reads the committed tables, or the open transaction's own view when `transaction` is given.
    func read<R: Sendable>(in transaction: Transaction? = nil, _ body: (MemoryTables) throws -> R) throws -> R {
        let id = try transaction.map(transactionID)
        return try core.withLock { core throws -> R in
            guard let id else { return try body(core.committed) }
            guard core.openID == id, let working = core.working else { throw MemoryDatabaseError.transactionEnded }
            return try body(working)
        }
    }

    /// Changes the tables inside `transaction`; one statement: when `body` throws, it changed nothing.
    func write<R: Sendable>(in transaction: Transaction, _ body: (inout MemoryTables) throws -> R) throws -> R {
        let id = try transactionID(transaction)
        return try core.withLock { core throws -> R in
            guard core.openID == id, var tables = core.working else { throw MemoryDatabaseError.transactionEnded }
            let result = try body(&tables)
            core.working = tables
            return result
        }
    }

    /// Changes the committed tables outside any transaction, after the writer before it; atomic: when
    /// `body` throws, it changed nothing.
    func write<R: Sendable>(_ body: (inout MemoryTables) throws -> R) async throws -> R {
        try refuseNested()
        await takeTurn()
        defer { passTurn() }
        return try core.withLock { core throws -> R in
            var tables = core.committed
            let result = try body(&tables)
            core.committed = tables
            return result
        }
    }

    /// A write of `transaction` when there is one, a write of its own otherwise (the SQL repositories'
    /// `Transaction.sql(transaction, store)`).
    func write<R: Sendable>(joining transaction: Transaction?, _ body: (inout MemoryTables) throws -> R) async throws
        -> R
    {
        if let transaction { return try write(in: transaction, body) }
        return try await write(body)
    }

    // MARK: - Turns

    private func refuseNested() throws {
        guard let enclosing = Self.enclosing else { return }
        if core.withLock({ $0.openID == enclosing }) { throw MemoryDatabaseError.nested }
    }

    private func transactionID(_ transaction: Transaction) throws -> UInt64 {
        guard let handle = transaction.handle as? MemoryTransaction, handle.database == ObjectIdentifier(self) else {
            throw MemoryDatabaseError.foreignTransaction
        }
        return handle.id
    }

    private func takeTurn() async {
        await withCheckedContinuation { (turn: CheckedContinuation<Void, Never>) in
            let now = core.withLock { core in
                guard core.busy else {
                    core.busy = true
                    return true
                }
                core.waiting.append(turn)
                return false
            }
            if now { turn.resume() }
        }
    }

    private func passTurn() {
        let next: CheckedContinuation<Void, Never>? = core.withLock { core in
            guard !core.waiting.isEmpty else {
                core.busy = false
                return nil
            }
            return core.waiting.removeFirst()
        }
        next?.resume()
    }
}

/// What a ``Transaction`` holds when a ``MemoryDatabase`` made it.
struct MemoryTransaction: Sendable {
    let database: ObjectIdentifier
    let id: UInt64
}

extension MemoryDatabase: DatabaseProbe {
    public var kindName: String { "memory" }

    /// Memory always answers.
    public func ping() async throws {}
}
