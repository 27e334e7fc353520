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
        guard let database = sql as? any PostgresDatabase else { throw StorageError.notSQL }
        var serializer = SQLSerializer(database: sql)
        query.serialize(to: &serializer)
        let statement = PostgresQuery(unsafeSQL: serializer.sql, binds: try Self.postgresBindings(serializer.binds))
        let logger = self.logger
        let rows = try await database.withConnection { connection in
            connection.eventLoop.makeFutureWithTask {
                try await connection.query(statement, logger: logger).collect()
            }
        }.get()
        return try rows.map { try read(PostgresCells($0)) }
    }

    /// The values a read binds, in PostgreSQL's binary format. Only the types the hot reads bind; any
    /// other is a programming error caught by their tests, never a silent guess.
    static func postgresBindings(_ binds: [any Encodable & Sendable]) throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: binds.count)
        for bind in binds {
            switch bind {
            case let value as String: bindings.append(value)
            case let value as Int: bindings.append(value)
            case let value as Int64: bindings.append(value)
            default: throw StorageError(description: "a read bound a value of type \(type(of: bind))")
            }
        }
        return bindings
    }
}
