import Audit
import BitaqaCore
import Foundation
import Logging
import SQLKit
import Storage

/// `bitaqa-bench audit`: what the hash chain and its serialisation cost per append, next to a plain
/// insert of the same row into a table with no chain and no lock, on SQLite and PostgreSQL, with one
/// writer and with several writers that each have their own connection pool (as processes would).
struct AuditBenchmark {
    let location: DatabaseLocation
    let appends: Int
    let writers: Int

    func run() async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let store = try await Store.open(location, logger: logger)
        try await Migrator(store: store, logger: logger).migrate()
        try await store.sql.raw(
            """
            CREATE TABLE IF NOT EXISTS bench_plain (id TEXT PRIMARY KEY, at BIGINT NOT NULL, kind TEXT NOT NULL,
                topup_id TEXT, details TEXT NOT NULL, hash TEXT NOT NULL)
            """
        ).run()
        await store.shutdown()

        print("| database | writers | plain insert (rows/s) | chained append (events/s) | append p50 / p99 (ms) |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for writerCount in Array(Set([1, writers])).sorted() {
            let plain = try await measure(writers: writerCount, logger: logger) { sql, kind, writer, index in
                try await sql.raw(
                    """
                    INSERT INTO bench_plain (id, at, kind, topup_id, details, hash)
                    VALUES (\(bind: "\(UUID())"), \(bind: Int64(index)), 'STATUS_CHANGED', \(bind: "t-\(writer)"),
                        '{"n":"1"}', \(bind: String(repeating: "a", count: 64)))
                    """
                ).run()
            }
            let chain = try await measureChain(writers: writerCount, logger: logger)
            print(
                String(
                    format: "| %@ | %d | %.0f | %.0f | %.2f / %.2f |",
                    kindName, writerCount, plain.rate, chain.rate, chain.p50, chain.p99
                ))
        }
        print("\n\(appends) rows per writer per measurement.")
    }

    private var kindName: String {
        if case .postgres = location { return "PostgreSQL" }
        return "SQLite"
    }

    struct Result {
        let rate: Double
        let p50: Double
        let p99: Double
    }

    /// Plain inserts, each in its own implicit transaction.
    private func measure(
        writers: Int, logger: Logger,
        _ body: @escaping @Sendable (any SQLDatabase, Store.Kind, Int, Int) async throws -> Void
    ) async throws -> Result {
        try await timed(writers: writers, logger: logger) { store, writer, index in
            try await body(store.sql, store.kind, writer, index)
        }
    }

    private func measureChain(writers: Int, logger: Logger) async throws -> Result {
        try await timed(writers: writers, logger: logger) { store, writer, index in
            try await AuditTrail(store: store, keys: nil).append(
                AuditEvent(.statusChanged, topupId: TopupID("t-\(writer)"), details: ["n": String(index)]),
                now: Int64(index)
            )
        }
    }

    private func timed(
        writers: Int, logger: Logger, _ operation: @escaping @Sendable (Store, Int, Int) async throws -> Void
    ) async throws -> Result {
        let appends = self.appends
        let location = self.location
        let clock = ContinuousClock()
        let start = clock.now
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for writer in 0..<writers {
                group.addTask {
                    let store = try await Store.open(location, logger: logger, maxPostgresConnectionsPerLoop: 1)
                    var latencies: [Double] = []
                    do {
                        for index in 0..<appends {
                            let began = clock.now
                            try await operation(store, writer, index)
                            latencies.append((clock.now - began) / .milliseconds(1))
                        }
                    } catch {
                        await store.shutdown()
                        throw error
                    }
                    await store.shutdown()
                    return latencies
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        let seconds = (clock.now - start) / .seconds(1)
        let sorted = latencies.sorted()
        return Result(
            rate: Double(sorted.count) / seconds,
            p50: sorted[sorted.count / 2],
            p99: sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))]
        )
    }
}
