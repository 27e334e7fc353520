import BitaqaCore
import Foundation
import Orders
import SQLKit

/// The staff table: each member's role, its token's HMAC and the row's MAC; never a token.
public struct SQLStaffRepository: StaffRepository {
    let store: Store

    public init(store: Store) {
        self.store = store
    }

    public func add(_ member: StaffRecord, in transaction: Transaction) async throws -> Bool {
        let rows = try await transaction.sql.raw(
            """
            INSERT INTO staff (name, role, token_hash, key_id, mac, created_at)
            VALUES (\(bind: member.name), \(bind: member.role), \(bind: member.tokenHash), \(bind: member.keyID),
                    \(bind: member.mac), \(bind: member.createdAt))
            ON CONFLICT DO NOTHING
            RETURNING name
            """
        ).all()
        return !rows.isEmpty
    }

    public func all() async throws -> [StaffRecord] {
        try await store.sql.raw(
            "SELECT name, role, token_hash, key_id, mac, created_at FROM staff ORDER BY name"
        ).all().map(Self.record)
    }

    public func named(_ name: String) async throws -> StaffRecord? {
        try await store.sql.raw(
            "SELECT name, role, token_hash, key_id, mac, created_at FROM staff WHERE name = \(bind: name)"
        ).first().map(Self.record)
    }

    public func withTokenHash(_ hashes: [String]) async throws -> StaffRecord? {
        guard !hashes.isEmpty else { return nil }
        return try await store.sql.raw(
            """
            SELECT name, role, token_hash, key_id, mac, created_at FROM staff
            WHERE token_hash IN (\(binds: hashes)) ORDER BY name LIMIT 1
            """
        ).first().map(Self.record)
    }

    public func remove(_ name: String, in transaction: Transaction) async throws -> Bool {
        let rows = try await transaction.sql.raw(
            "DELETE FROM staff WHERE name = \(bind: name) RETURNING name"
        ).all()
        return !rows.isEmpty
    }

    static func record(_ row: any SQLRow) throws -> StaffRecord {
        StaffRecord(
            name: try row.decode(column: "name", as: String.self),
            role: try row.decode(column: "role", as: String.self),
            tokenHash: try row.decode(column: "token_hash", as: String.self),
            keyID: try row.decode(column: "key_id", as: String.self),
            mac: try row.decode(column: "mac", as: String.self),
            createdAt: try row.decode(column: "created_at", as: Int64.self))
    }
}
