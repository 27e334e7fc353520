import BitaqaCore
import Foundation
import Logging
import NIOCore
import PostgresNIO
import SQLKit

/// A statement of the hot paths (the card view, the audit batch): fixed text that both databases take,
/// its values written `$1`, `$2`, … in the order of their first use (SQLite reads `$1` as a named value,
/// numbered by first use, so the two agree). It is prepared once per connection and kept: on SQLite by
/// ``DirectConnection``'s cache, on PostgreSQL by PostgresNIO's prepared statements.
protocol HotStatement: Sendable {
    static var sql: String { get }
    /// The text on PostgreSQL when it differs (row locks SQLite does not have); ``sql`` by default.
    static var postgresSQL: String { get }
}

extension HotStatement {
    static var postgresSQL: String { sql }
}

/// A ``HotStatement`` as PostgresNIO prepares it: named after the statement's type, parsed and planned
/// once per connection.
private struct PostgresHot<Statement: HotStatement>: PostgresPreparedStatement {
    static var sql: String { Statement.postgresSQL }
    /// PostgreSQL keeps 63 bytes of a name, so the name is the text's own hash (FNV-1a, 64 bits) and the
    /// start of the type's name, for someone reading `pg_prepared_statements`.
    static var name: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in Statement.postgresSQL.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let hex = String(hash, radix: 16)
        return "bitaqa_" + String(repeating: "0", count: 16 - hex.count) + hex + "_"
            + String(String(describing: Statement.self).prefix(32))
    }
    let bindings: PostgresBindings

    func makeBindings() -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) -> PostgresRow { row }
}

extension Store {
    /// Runs a hot statement and reads its rows by position.
    ///
    /// - SQLite, no transaction: on a reader of Bitaqa's own (``DirectPool``), on this thread, with no
    ///   hand-off to a blocking pool. Use it for reads by key: the calling thread is an event loop.
    /// - SQLite in a transaction: on the transaction's connection, through SQLKit.
    /// - PostgreSQL: prepared, on the transaction's connection or any pooled one.
    func hotRows<Statement: HotStatement, T>(
        _ statement: Statement.Type, _ values: [DirectValue], in transaction: Transaction? = nil,
        _ read: (any RowCells) throws -> T
    ) async throws -> [T] {
        if let transaction { return try await transaction.hotRows(statement, values, read) }
        switch kind {
        case .sqlite:
            guard let direct else { throw StorageError.closed }
            return try direct.read { try $0.rows(Statement.sql, values) { try read($0) } }
        case .postgres:
            return try await Self.preparedRows(statement, values, on: sql, logger: logger, read)
        }
    }

    /// Runs a hot statement that writes, alone (one statement is atomic by itself), and reads what it
    /// returns: on SQLite on the writer of Bitaqa's own, in the writer turn, on this thread; on PostgreSQL
    /// prepared, on any pooled connection.
    func hotWrite<Statement: HotStatement, T: Sendable>(
        _ statement: Statement.Type, _ values: [DirectValue], _ read: @escaping @Sendable (any RowCells) throws -> T
    ) async throws -> [T] {
        switch kind {
        case .sqlite:
            return try await writeDirect { try $0.rows(Statement.sql, values) { try read($0) } }
        case .postgres:
            return try await Self.preparedRows(statement, values, on: sql, logger: logger, read)
        }
    }

    /// A hot statement prepared on a connection of `database` (the transaction's own, when it is one).
    static func preparedRows<Statement: HotStatement, T>(
        _ statement: Statement.Type, _ values: [DirectValue], on database: any SQLDatabase, logger: Logger,
        _ read: (any RowCells) throws -> T
    ) async throws -> [T] {
        let prepared = PostgresHot<Statement>(bindings: postgresBindings(values))
        let rows = try await onPostgresConnection(of: database) { connection in
            var rows: [PostgresRow] = []
            for try await row in try await connection.execute(prepared, logger: logger) { rows.append(row) }
            return rows
        }
        return try rows.map { try read(PostgresCells($0)) }
    }

    static func postgresBindings(_ values: [DirectValue]) -> PostgresBindings {
        var bindings = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case .null: bindings.appendNull()
            case .integer(let number): bindings.append(number)
            case .text(let text): bindings.append(text)
            case .blob(let bytes): bindings.append(ByteBuffer(bytes: bytes))
            case .texts(let texts): bindings.append(texts)
            case .integers(let numbers): bindings.append(numbers)
            }
        }
        return bindings
    }

    /// The statement as SQLKit runs it: each `$n` replaced by the n-th value bound.
    static func sqlKitQuery(_ sql: String, _ values: [DirectValue]) -> SQLQueryString {
        var query = SQLQueryString("")
        var text = Substring(sql)
        while let dollar = text.firstIndex(of: "$") {
            let digits = text[text.index(after: dollar)...].prefix(while: \.isNumber)
            query = query + SQLQueryString(String(text[..<dollar]))
            if let number = Int(digits), values.indices.contains(number - 1) {
                switch values[number - 1] {
                case .null: query = query + "NULL"
                case .integer(let value): query = query + "\(bind: value)"
                case .text(let value): query = query + "\(bind: value)"
                case .blob(let value): query = query + "\(bind: Data(value))"
                case .texts(let values): query = query + "\(bind: values)"
                case .integers(let values): query = query + "\(bind: values)"
                }
                text = text[digits.endIndex...]
            } else {
                query = query + "$"
                text = text[text.index(after: dollar)...]
            }
        }
        return query + SQLQueryString(String(text))
    }
}

extension Transaction {
    /// A hot statement in this transaction: prepared on PostgreSQL; on SQLite run by the transaction's
    /// connection through SQLKit.
    func hotRows<Statement: HotStatement, T>(
        _ statement: Statement.Type, _ values: [DirectValue], _ read: (any RowCells) throws -> T
    ) async throws -> [T] {
        switch kind {
        case .sqlite:
            return try await sql.raw(Store.sqlKitQuery(Statement.sql, values)).all().map {
                try read(NamedCells(row: $0, names: $0.allColumns))
            }
        case .postgres:
            return try await Store.preparedRows(statement, values, on: sql, logger: logger, read)
        }
    }
}
