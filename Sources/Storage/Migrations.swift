import Foundation
import Logging
import SQLKit

/// One versioned change to the schema. Versions only grow; an applied migration is never edited.
struct Migration: Sendable {
    let version: Int
    let name: String
    let statements: @Sendable (Store.Kind) -> [String]
}

/// Applies the migrations that a database has not seen yet, each in its own transaction.
///
/// Several processes may start at once against one PostgreSQL database: each takes a transaction-level
/// advisory lock first, so exactly one applies a given version and the others then see it applied.
/// On SQLite `BEGIN IMMEDIATE` serialises them the same way.
public struct Migrator: Sendable {
    let store: Store
    let logger: Logger

    public init(store: Store, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    /// Applies what is missing and returns the versions applied by this call.
    @discardableResult
    public func migrate() async throws -> [Int] {
        try await migrate(upTo: Self.latestVersion)
    }

    /// Applies what is missing up to `version` (included), leaving the database as the build that stopped
    /// there would: for tests of an upgrade from an earlier schema.
    @discardableResult
    public func migrate(upTo version: Int) async throws -> [Int] {
        var applied: [Int] = []
        for migration in Schema.migrations where migration.version <= version {
            let didApply = try await store.transaction { transaction in
                let sql = transaction.sql
                try await Self.lock(sql, kind: store.kind)
                try await Self.createVersionTable(sql, kind: store.kind)
                let rows = try await sql.raw(
                    "SELECT version FROM bitaqa_migrations WHERE version = \(bind: migration.version)"
                ).all()
                guard rows.isEmpty else { return false }
                for statement in migration.statements(store.kind) {
                    try await sql.raw(SQLQueryString(statement)).run()
                }
                let now = Int64(Date().timeIntervalSince1970 * 1000)
                try await sql.raw(
                    """
                    INSERT INTO bitaqa_migrations (version, name, applied_at)
                    VALUES (\(bind: migration.version), \(bind: migration.name), \(bind: now))
                    """
                ).run()
                return true
            }
            if didApply {
                logger.info(
                    "applied migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
                applied.append(migration.version)
            }
        }
        return applied
    }

    /// The versions recorded as applied, in order.
    public func appliedVersions() async throws -> [Int] {
        try await store.transaction { transaction in
            let sql = transaction.sql
            try await Self.createVersionTable(sql, kind: store.kind)
            return try await sql.raw("SELECT version FROM bitaqa_migrations ORDER BY version").all()
                .map { try $0.decode(column: "version", as: Int.self) }
        }
    }

    /// The newest version this build knows.
    public static var latestVersion: Int { Schema.migrations.map(\.version).max() ?? 0 }

    private static func lock(_ sql: any SQLDatabase, kind: Store.Kind) async throws {
        guard kind == .postgres else { return }
        // An arbitrary constant that names "Bitaqa migrations" among advisory locks.
        _ = try await sql.raw("SELECT pg_advisory_xact_lock(80121701) AS locked").all()
    }

    private static func createVersionTable(_ sql: any SQLDatabase, kind: Store.Kind) async throws {
        try await sql.raw(
            """
            CREATE TABLE IF NOT EXISTS bitaqa_migrations (
                version INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                applied_at BIGINT NOT NULL
            )
            """
        ).run()
    }
}
