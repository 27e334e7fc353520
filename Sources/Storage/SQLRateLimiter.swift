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

    /// One batch, in one transaction. On SQLite it runs on the writer of Bitaqa's own, on this thread, with
    /// statements kept prepared (one read per bucket, one insert per allowed hit); on PostgreSQL with
    /// prepared statements that take the buckets and the allowed hits as arrays.
    static func decide(_ batch: [Hit], in store: Store) async throws -> [RateLimitDecision] {
        let buckets = Array(Set(batch.map(\.bucket)))
        let since = batch.map { $0.now - $0.windowMillis }.min()!
        // Old events are of no use; trim them now and then rather than on every batch.
        let trimBefore: Int64? =
            Int.random(in: 0..<100) < batch.count
            ? batch.last!.now - max(batch.map(\.windowMillis).max()!, 3_600_000) : nil
        if store.kind == .sqlite {
            return try await store.writeDirect { connection in
                try connection.run("BEGIN IMMEDIATE", [])
                do {
                    var recent: [String: [Int64]] = [:]
                    for bucket in buckets {
                        recent[bucket] = try connection.rows(
                            "SELECT at FROM rate_events WHERE bucket = $1 AND at > $2 ORDER BY at",
                            [.text(bucket), .integer(since)]
                        ) { try $0.required($0.integer(0), table: "rate_events") }
                    }
                    let (decisions, allowed) = decided(batch, recent: recent)
                    for (bucket, at) in allowed {
                        try connection.run(
                            "INSERT INTO rate_events (bucket, at) VALUES ($1, $2)", [.text(bucket), .integer(at)])
                    }
                    if let trimBefore {
                        try connection.run("DELETE FROM rate_events WHERE at < $1", [.integer(trimBefore)])
                    }
                    try connection.run("COMMIT", [])
                    return decisions
                } catch {
                    _ = try? connection.run("ROLLBACK", [])
                    throw error
                }
            }
        }
        return try await store.transaction { transaction in
            try await transaction.lock(.rateLimits)
            var recent: [String: [Int64]] = [:]
            for (bucket, at) in try await store.hotRows(
                RecentEvents.self, [.integer(since), .texts(buckets)], in: transaction,
                {
                    (
                        try $0.required($0.text(0), table: "rate_events"),
                        try $0.required($0.integer(1), table: "rate_events")
                    )
                })
            {
                recent[bucket, default: []].append(at)
            }
            let (decisions, allowed) = decided(batch, recent: recent)
            if !allowed.isEmpty {
                _ = try await store.hotRows(
                    InsertEvents.self, [.texts(allowed.map(\.0)), .integers(allowed.map(\.1))], in: transaction
                ) { _ in () }
            }
            if let trimBefore {
                try await transaction.sql.raw("DELETE FROM rate_events WHERE at < \(bind: trimBefore)").run()
            }
            return decisions
        }
    }

    /// The batch's decisions, in arrival order, exactly as one by one; and the hits to record.
    private static func decided(_ batch: [Hit], recent: [String: [Int64]]) -> (
        [RateLimitDecision], [(String, Int64)]
    ) {
        var recent = recent
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
        return (decisions, allowed)
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

/// PostgreSQL: the recent events of a batch's buckets, oldest first.
private enum RecentEvents: HotStatement {
    static let sql = "SELECT bucket, at FROM rate_events WHERE at > $1 AND bucket = ANY($2) ORDER BY bucket, at"
}

/// PostgreSQL: a batch's allowed hits, as two arrays of one length.
private enum InsertEvents: HotStatement {
    static let sql = "INSERT INTO rate_events (bucket, at) SELECT * FROM unnest($1::text[], $2::bigint[])"
}
