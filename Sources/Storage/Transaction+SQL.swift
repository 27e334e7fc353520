import BitaqaCore
import Logging
import Orders
import SQLKit

/// What a ``Transaction`` holds when Storage made it: the transaction's connection.
struct SQLTransaction: Sendable {
    let sql: any SQLDatabase
    let kind: Store.Kind
    let logger: Logger
}

extension Transaction {
    init(sql: any SQLDatabase, kind: Store.Kind, logger: Logger) {
        self.init(handle: SQLTransaction(sql: sql, kind: kind, logger: logger))
    }

    /// The SQL connection of a transaction Storage made. Handing Storage a transaction that another
    /// implementation made is a wiring mistake, not a condition to recover from.
    package var sql: any SQLDatabase { sqlTransaction.sql }
    package var kind: Store.Kind { sqlTransaction.kind }
    var logger: Logger { sqlTransaction.logger }

    private var sqlTransaction: SQLTransaction {
        guard let transaction = handle as? SQLTransaction else {
            preconditionFailure("a transaction from another repository implementation was handed to Storage")
        }
        return transaction
    }

    /// The transaction's connection, or when there is none, any pooled connection of `store`.
    static func sql(_ transaction: Transaction?, _ store: Store) throws -> any SQLDatabase {
        try transaction?.sql ?? store.sql
    }
}

extension Store: TransactionRunner {}

extension Store: DatabaseProbe {
    public var kindName: String { kind.rawValue }
}
