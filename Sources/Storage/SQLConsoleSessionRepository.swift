import BitaqaCore
import Foundation
import Orders
import SQLKit

public struct SQLConsoleSessionRepository: ConsoleSessionRepository {
    let store: Store

    public init(store: Store) {
        self.store = store
    }

    public func create(_ session: ConsoleSessionRecord) async throws {
        try await store.sql.raw(
            """
            INSERT INTO console_sessions (id_hash, csrf, created_at, expires_at)
            VALUES (\(bind: session.idHash), \(bind: session.csrf), \(bind: session.createdAt), \(bind: session.expiresAt))
            """
        ).run()
    }

    public func live(_ idHash: String, now: Int64) async throws -> ConsoleSessionRecord? {
        guard
            let row = try await store.sql.raw(
                """
                SELECT id_hash, csrf, created_at, expires_at FROM console_sessions
                WHERE id_hash = \(bind: idHash) AND ended_at IS NULL AND expires_at > \(bind: now)
                """
            ).first()
        else { return nil }
        return ConsoleSessionRecord(
            idHash: try row.decode(column: "id_hash", as: String.self),
            csrf: try row.decode(column: "csrf", as: String.self),
            createdAt: try row.decode(column: "created_at", as: Int64.self),
            expiresAt: try row.decode(column: "expires_at", as: Int64.self))
    }

    public func end(_ idHash: String, now: Int64) async throws {
        try await store.sql.raw(
            "UPDATE console_sessions SET ended_at = \(bind: now) WHERE id_hash = \(bind: idHash) AND ended_at IS NULL"
        ).run()
    }
}
