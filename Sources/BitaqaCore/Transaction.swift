/// A database transaction in progress, handed to the repository methods that take part in it.
///
/// The domain holds it without knowing what it is: it passes the value it is given by
/// ``TransactionRunner/transaction(_:)`` on to the repositories, so that several writes commit or roll
/// back together. Only the repositories' implementation gives the handle a meaning (a SQL connection
/// in Storage, nothing at all for the in-memory doubles).
public struct Transaction: Sendable {
    package let handle: any Sendable

    package init(handle: any Sendable) {
        self.handle = handle
    }
}

/// Runs work in transactions.
public protocol TransactionRunner: Sendable {
    /// Runs `body` in one transaction; commits when it returns, rolls back when it throws.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (Transaction) async throws -> T) async throws -> T
}
