import BitaqaCore
import FluentPostgresDriver
import SQLKit

/// The PostgreSQL advisory locks that serialise work across processes, each held until its transaction
/// ends. SQLite needs none: `BEGIN IMMEDIATE` already holds the whole file.
package enum AdvisoryLock: Int64, Sendable {
    case migrations = 80_121_701
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
    /// such sessions held every other process back for 20 s. A wait bounded on the server's side ends
    /// on the server's side too, frozen client or not, so at most the one session that held the lock at
    /// the freeze keeps it, for at most the idle timeout. Live waiters just queue again.
    package func lock(_ lock: AdvisoryLock, patience: Duration = .milliseconds(500)) async throws {
        guard kind == .postgres else { return }
        // Uncontended, which is the usual case: one round trip, as before.
        let taken = try await sql.raw("SELECT pg_try_advisory_xact_lock(\(bind: lock.rawValue)) AS taken").first()?
            .decode(column: "taken", as: Bool.self)
        guard taken != true else { return }
        let previous =
            try await sql.raw("SELECT current_setting('lock_timeout') AS value").first()?
            .decode(column: "value", as: String.self) ?? "0"
        let timeout = "\(max(1, patience.inMilliseconds))ms"
        while true {
            try Task.checkCancellation()
            _ = try await sql.raw("SAVEPOINT bitaqa_lock").run()
            do {
                _ = try await sql.raw("SELECT set_config('lock_timeout', \(bind: timeout), true) AS lock_timeout").all()
                _ = try await sql.raw("SELECT pg_advisory_xact_lock(\(bind: lock.rawValue)) AS locked").all()
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "55P03" {
                // lock_not_available: undo this attempt (the setting with it) and queue again.
                _ = try await sql.raw("ROLLBACK TO SAVEPOINT bitaqa_lock").run()
                continue
            }
            // The lock outlives the savepoint; the transaction's own statements get their timeout back.
            _ = try await sql.raw("RELEASE SAVEPOINT bitaqa_lock").run()
            _ = try await sql.raw("SELECT set_config('lock_timeout', \(bind: previous), true) AS lock_timeout").all()
            return
        }
    }
}
