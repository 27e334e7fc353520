import Foundation
import NIOCore
import PostgresNIO
import SQLKit

extension Store {
    /// PostgreSQL only: runs a read straight on PostgresNIO and hands its rows back to be read by position
    /// (``PostgresCells``), without SQLKit's row type, which looks every column up by name and decodes
    /// it through `Decodable`. The hot lists read this way.
    func postgresRows<T>(_ query: SQLQueryString, _ read: (PostgresCells) throws -> T) async throws -> [T] {
        let sql = try self.sql
        var serializer = SQLSerializer(database: sql)
        query.serialize(to: &serializer)
        let statement = PostgresQuery(
            unsafeSQL: serializer.sql, binds: Self.postgresBindings(try serializer.binds.map(DirectValue.init(bind:))))
        let rows = try await Self.onPostgresConnection(of: sql) { [logger] connection in
            try await connection.query(statement, logger: logger).collect()
        }
        return try rows.map { try read(PostgresCells($0)) }
    }

    /// Runs `body` on a connection of `database` (the transaction's own, when it is one).
    static func onPostgresConnection<T: Sendable>(
        of database: any SQLDatabase, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        guard let postgres = database as? any PostgresDatabase else { throw StorageError.notSQL }
        return try await postgres.withConnection { connection in
            connection.eventLoop.makeFutureWithTask { try await body(connection) }
        }.get()
    }
}

extension DirectValue {
    /// A value SQLKit bound. Only the types the hot reads bind; any other is a programming error caught
    /// by their tests, never a silent guess.
    init(bind: any Encodable & Sendable) throws {
        switch bind {
        case let value as String: self = .text(value)
        case let value as Int: self = .integer(Int64(value))
        case let value as Int64: self = .integer(value)
        default: throw StorageError(description: "a read bound a value of type \(type(of: bind))")
        }
    }
}
