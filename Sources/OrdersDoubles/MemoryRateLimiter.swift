import Orders

/// Sliding-window limits in memory, decided as Storage's `SQLRateLimiter` decides them: a hit is allowed
/// when fewer than `limit` events of its bucket fall in the window `(now - window, now]` (and later),
/// and an allowed hit is recorded in the same atomic write, so two hits can never both take the last
/// slot. A refusal says when the oldest event in the window leaves it, in whole seconds, at least one.
///
/// Storage deletes events older than an hour (or the longest window) now and then; the double keeps
/// them, which changes no decision for windows up to that age.
public struct MemoryRateLimiter: RateLimiter {
    let database: MemoryDatabase

    public init(database: MemoryDatabase) {
        self.database = database
    }

    /// A `limit` of 0 turns the limit off.
    public func hit(_ bucket: String, limit: Int, windowMillis: Int64, now: Int64) async throws -> RateLimitDecision {
        guard limit > 0 else { return .allowed }
        return try await database.write { tables in
            let recent = Self.inWindow(tables.rateEvents[bucket] ?? [], windowMillis: windowMillis, now: now)
            if let refusal = Self.refusal(recent, limit: limit, windowMillis: windowMillis, now: now) {
                return refusal
            }
            tables.rateEvents[bucket, default: []].append(now)
            return .allowed
        }
    }

    public func record(_ bucket: String, now: Int64) async throws {
        try await database.write { tables in tables.rateEvents[bucket, default: []].append(now) }
    }

    public func isOver(_ bucket: String, limit: Int, windowMillis: Int64, now: Int64) async throws -> RateLimitDecision
    {
        guard limit > 0 else { return .allowed }
        return try database.read { tables in
            let recent = Self.inWindow(tables.rateEvents[bucket] ?? [], windowMillis: windowMillis, now: now)
            return Self.refusal(recent, limit: limit, windowMillis: windowMillis, now: now) ?? .allowed
        }
    }

    /// The event times after `now - window`, oldest first.
    static func inWindow(_ times: [Int64], windowMillis: Int64, now: Int64) -> [Int64] {
        times.filter { $0 > now - windowMillis }.sorted()
    }

    static func refusal(_ recent: [Int64], limit: Int, windowMillis: Int64, now: Int64) -> RateLimitDecision? {
        guard recent.count >= limit, let oldest = recent.first else { return nil }
        return .limited(retryAfter: max(1, Int((oldest + windowMillis - now + 999) / 1000)))
    }
}
