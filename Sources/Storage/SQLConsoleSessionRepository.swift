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
            INSERT INTO console_sessions (id_hash, csrf, created_at, expires_at, member, member_mac)
            VALUES (\(bind: session.idHash), \(bind: session.csrf), \(bind: session.createdAt), \(bind: session.expiresAt),
                    \(bind: session.member), \(bind: session.memberMAC))
            """
        ).run()
    }

    public func live(_ idHash: String, now: Int64) async throws -> ConsoleSessionRecord? {
        guard
            let row = try await store.sql.raw(
                """
                SELECT id_hash, csrf, created_at, expires_at, member, member_mac FROM console_sessions
                WHERE id_hash = \(bind: idHash) AND ended_at IS NULL AND expires_at > \(bind: now)
                """
            ).first()
        else { return nil }
        return ConsoleSessionRecord(
            idHash: try row.decode(column: "id_hash", as: String.self),
            csrf: try row.decode(column: "csrf", as: String.self),
            createdAt: try row.decode(column: "created_at", as: Int64.self),
            expiresAt: try row.decode(column: "expires_at", as: Int64.self),
            member: try row.decode(column: "member", as: String?.self),
            memberMAC: try row.decode(column: "member_mac", as: String?.self))
    }

    public func end(_ idHash: String, now: Int64) async throws {
        try await store.sql.raw(
            "UPDATE console_sessions SET ended_at = \(bind: now) WHERE id_hash = \(bind: idHash) AND ended_at IS NULL"
        ).run()
    }

    public func end(member: String, now: Int64, in transaction: Transaction) async throws {
        try await transaction.sql.raw(
            "UPDATE console_sessions SET ended_at = \(bind: now) WHERE member = \(bind: member) AND ended_at IS NULL"
        ).run()
    }
}
