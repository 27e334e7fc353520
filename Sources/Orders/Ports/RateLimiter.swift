import Foundation

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
