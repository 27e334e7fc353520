import BitaqaCore
import Foundation
import Orders
import SQLKit

/// The one implementation: a row per allowed event, trimmed now and then.
///
/// Hits are group-committed: those that arrive while a batch is being written are decided together in
/// the next one, with one read of their buckets' recent events and one insert of the allowed ones, in
/// arrival order, exactly as if they had come one by one. On PostgreSQL the batch holds a
/// transaction-level advisory lock, so two processes cannot both take the last slot of a bucket.
public struct SQLRateLimiter: RateLimiter {
    let store: Store
    private let hits: RequestBatcher<Hit, RateLimitDecision>

    struct Hit: Sendable {
        let bucket: String
        let limit: Int
        let windowMillis: Int64
        let now: Int64
    }

    public init(store: Store) {
        self.store = store
        self.hits = RequestBatcher { batch in try await Self.decide(batch, in: store) }
    }

    /// Checks and, when allowed, records one event in `bucket`. A `limit` of 0 turns the limit off.
    public func hit(_ bucket: String, limit: Int, windowMillis: Int64, now: Int64) async throws -> RateLimitDecision {
        guard limit > 0 else { return .allowed }
        return try await hits.submit(Hit(bucket: bucket, limit: limit, windowMillis: windowMillis, now: now))
    }

    static func decide(_ batch: [Hit], in store: Store) async throws -> [RateLimitDecision] {
        try await store.transaction { transaction in
            let sql = transaction.sql
            try await transaction.lock(.rateLimits)
            var recent = try await events(
                of: Set(batch.map(\.bucket)), since: batch.map { $0.now - $0.windowMillis }.min()!, sql)
            var allowed: [(String, Int64)] = []
            let decisions = batch.map { hit -> RateLimitDecision in
                let times = recent[hit.bucket, default: []]
                let inWindow = times.drop { $0 <= hit.now - hit.windowMillis }
                if inWindow.count >= hit.limit {
                    let oldest = inWindow.first!
                    return .limited(retryAfter: max(1, Int((oldest + hit.windowMillis - hit.now + 999) / 1000)))
                }
                recent[hit.bucket, default: []].append(hit.now)
                allowed.append((hit.bucket, hit.now))
                return .allowed
            }
            try await insert(allowed, sql)
            // Old events are of no use; trim them now and then rather than on every batch.
            if let last = batch.last, Int.random(in: 0..<100) < batch.count {
                let keep = max(batch.map(\.windowMillis).max()!, 3_600_000)
                try await sql.raw("DELETE FROM rate_events WHERE at < \(bind: last.now - keep)").run()
            }
            return decisions
        }
    }

    /// The times of the events of `buckets` after `since`, oldest first, by bucket.
    private static func events(of buckets: Set<String>, since: Int64, _ sql: any SQLDatabase) async throws
        -> [String: [Int64]]
    {
        var query = SQLQueryString("SELECT bucket, at FROM rate_events WHERE at > \(bind: since) AND bucket IN (")
        for (index, bucket) in buckets.enumerated() { query = query + (index == 0 ? "" : ", ") + "\(bind: bucket)" }
        query = query + ") ORDER BY bucket, at"
        var times: [String: [Int64]] = [:]
        for row in try await sql.raw(query).all() {
            times[try row.decode(column: "bucket", as: String.self), default: []].append(
                try row.decode(column: "at", as: Int64.self))
        }
        return times
    }

    private static func insert(_ events: [(String, Int64)], _ sql: any SQLDatabase) async throws {
        var start = events.startIndex
        while start < events.endIndex {
            let chunk = events[start..<min(start + 400, events.endIndex)]
            var query = SQLQueryString("INSERT INTO rate_events (bucket, at) VALUES ")
            for (index, event) in chunk.enumerated() {
                query = query + (index == 0 ? "" : ", ") + "(\(bind: event.0), \(bind: event.1))"
            }
            try await sql.raw(query).run()
            start = chunk.endIndex
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
