import BitaqaCore
import SQLKit

/// The PostgreSQL advisory locks that serialise work across processes at run time, each held until its
/// transaction ends. SQLite needs none: `BEGIN IMMEDIATE` already holds the whole file. (Migrations
/// take a lock of their own, plainly: they run before this one's function exists.)
package enum AdvisoryLock: Int64, Sendable {
    case auditChain = 80_121_702
    case rateLimits = 80_121_703
}

extension Transaction {
    /// Takes `lock` until the transaction ends, waiting as long as it takes, but never in PostgreSQL's
    /// queue for longer than `patience` at a time.
    ///
    /// Why not one plain `pg_advisory_xact_lock`: a process frozen (SIGSTOP, a long pause) with sessions
    /// queued for the lock keeps them queued, and each in its turn is granted the lock and then sits on it,
    /// idle in its transaction, until the server ends it after `idle_in_transaction_session_timeout`. Four
    /// such sessions held every other process back for 20 s. A turn bounded on the server ends there too,
    /// frozen client or not, and only a live client asks for the next one; so at most one frozen session
    /// holds the lock, for at most the idle timeout. Each turn is one statement (`bitaqa_lock_turn`,
    /// migration 13), and the first is granted at once when nobody holds the lock.
    ///
    /// Returns how many turns ended without the lock.
    @discardableResult
    package func lock(_ lock: AdvisoryLock, patience: Duration = .seconds(2)) async throws -> Int {
        guard kind == .postgres else { return 0 }
        let values: [DirectValue] = [.integer(lock.rawValue), .text("\(max(1, patience.inMilliseconds))ms")]
        var missed = 0
        while try await hotRows(LockTurn.self, values, { try $0.integer(0) }).first != 1 {
            try Task.checkCancellation()
            missed += 1
        }
        return missed
    }
}

/// One turn at an advisory lock: 1 when taken.
private enum LockTurn: HotStatement {
    static let sql = "SELECT CAST(bitaqa_lock_turn($1, $2) AS INTEGER) AS taken"
}
