import SQLKit

/// A database transaction in progress, handed to the repository methods that take part in it.
///
/// Other targets hold it without seeing SQL: they pass it from ``Store/transaction(_:)`` (or
/// ``Repositories/transaction(_:)``) to the repositories, so that several writes commit or roll back
/// together.
public struct Transaction: Sendable {
    package let sql: any SQLDatabase
    package let kind: Store.Kind
}

/// Runs work in transactions; ``Store`` is the implementation.
public protocol TransactionRunner: Sendable {
    func transaction<T: Sendable>(_ body: @escaping @Sendable (Transaction) async throws -> T) async throws -> T
}

extension Store: TransactionRunner {}

extension Transaction {
    /// The transaction's connection, or when there is none, any pooled connection of `store`.
    static func sql(_ transaction: Transaction?, _ store: Store) throws -> any SQLDatabase {
        try transaction?.sql ?? store.sql
    }
}
