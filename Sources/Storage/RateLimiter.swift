import Foundation
import SQLKit

/// Sliding-window rate limits kept in the database, so every process sharing it sees the same counts.
///
/// A request is allowed when fewer than `limit` events of its bucket happened in the last `window`; an
/// allowed request is recorded. On PostgreSQL the check and the insert take a transaction-level
/// advisory lock on the bucket, so two processes cannot both take the last slot.
public protocol RateLimiter: Sendable {
    /// Counts one hit on `bucket` unless it already had `limit` in the window.
    func hit(_ bucket: String, limit: Int, windowMillis: Int64, now: Int64) async throws -> RateLimitDecision
    /// Counts one hit without checking.
    func record(_ bucket: String, now: Int64) async throws
    /// Whether `bucket` is at its limit, without counting.
    func isOver(_ bucket: String, limit: Int, windowMillis: Int64, now: Int64) async throws -> RateLimitDecision
}

/// What a limit said.
public enum RateLimitDecision: Sendable, Equatable {
    case allowed
    /// Refused; the caller may try again after this many seconds.
    case limited(retryAfter: Int)
}

/// The one implementation: a row per allowed event, trimmed now and then.
public struct SQLRateLimiter: RateLimiter {
    let store: Store

    public init(store: Store) {
        self.store = store
    }

    /// Checks and, when allowed, records one event in `bucket`. A `limit` of 0 turns the limit off.
    public func hit(_ bucket: String, limit: Int, windowMillis: Int64, now: Int64) async throws -> RateLimitDecision {
        guard limit > 0 else { return .allowed }
        return try await store.transaction { transaction in
            let sql = transaction.sql
            if transaction.kind == .postgres {
                _ = try await sql.raw("SELECT pg_advisory_xact_lock(hashtext(\(bind: bucket))) AS locked").all()
            }
            let since = now - windowMillis
            let rows = try await sql.raw(
                """
                SELECT at FROM rate_events WHERE bucket = \(bind: bucket) AND at > \(bind: since) ORDER BY at LIMIT \(bind: limit)
                """
            ).all()
            if rows.count >= limit {
                let oldest = try rows[0].decode(column: "at", as: Int64.self)
                return .limited(retryAfter: max(1, Int((oldest + windowMillis - now + 999) / 1000)))
            }
            try await sql.raw("INSERT INTO rate_events (bucket, at) VALUES (\(bind: bucket), \(bind: now))").run()
            // Old events are of no use; trim them now and then rather than on every request.
            if Int.random(in: 0..<100) == 0 {
                try await sql.raw("DELETE FROM rate_events WHERE at < \(bind: now - max(windowMillis, 3_600_000))")
                    .run()
            }
            return .allowed
        }
    }

    /// Records an event without checking (a failed authentication, counted against its address).
    public func record(_ bucket: String, now: Int64) async throws {
        try await store.sql.raw("INSERT INTO rate_events (bucket, at) VALUES (\(bind: bucket), \(bind: now))").run()
    }

    /// Whether `bucket` already holds `limit` events in the window (without recording anything).
    public func isOver(_ bucket: String, limit: Int, windowMillis: Int64, now: Int64) async throws -> RateLimitDecision
    {
        guard limit > 0 else { return .allowed }
        let rows = try await store.sql.raw(
            """
            SELECT at FROM rate_events WHERE bucket = \(bind: bucket) AND at > \(bind: now - windowMillis) ORDER BY at LIMIT \(bind: limit)
            """
        ).all()
        guard rows.count >= limit else { return .allowed }
        let oldest = try rows[0].decode(column: "at", as: Int64.self)
        return .limited(retryAfter: max(1, Int((oldest + windowMillis - now + 999) / 1000)))
    }
}
