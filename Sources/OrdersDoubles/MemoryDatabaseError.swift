/// What a ``MemoryDatabase`` refuses, where a database would refuse the same (a constraint) or where the
/// calling code is wrong (a transaction used after it ended, or from another database).
public enum MemoryDatabaseError: Error, Sendable, Equatable {
    /// A row with this key already exists: `table` and the key's value, like a primary key or unique
    /// index violation.
    case duplicateKey(table: String, key: String)
    /// A row names a row of another table that does not exist (a foreign key).
    case missingReference(table: String, key: String)
    /// A transaction, or a write of its own, begun inside an open transaction of the same task: with one
    /// writer at a time it could only wait for itself.
    case nested
    /// The transaction handed in is not open any more.
    case transactionEnded
    /// The transaction was made by another database or another implementation.
    case foreignTransaction
}
