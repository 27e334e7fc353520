/// The `workers` table: each running process's heartbeat, and taking back the claims of the dead.
///
/// A process refreshes its row every few seconds. A row older than the worker timeout means its process
/// is gone (killed, frozen, cut off): any live process then releases that owner's claims on every
/// leased table and deletes the row, so the work is free at once rather than when the leases run out.
/// A process that was only frozen finds its row gone at its next heartbeat and knows its claims were
/// taken; every write of its earlier work checks the lease owner, so none of it lands.
public protocol WorkerRepository: Sendable {
    /// Writes `id`'s heartbeat; false when its row was gone (taken for dead), in which case it is written anew.
    func beat(_ id: String, now: Int64) async throws -> Bool
    /// Releases every claim of workers whose heartbeat is older than `staleBefore`, other than `except`,
    /// and deletes their rows; returns how many claims were released, by owner.
    func reapStale(before staleBefore: Int64, except: String) async throws -> [String: Int]
    /// Ends `id`: releases its claims and deletes its row (graceful shutdown). Returns the claims released.
    @discardableResult
    func retire(_ id: String) async throws -> Int
    /// Workers with a heartbeat at or after `since`.
    func live(since: Int64) async throws -> Int
    /// Whether `owner` still holds the lease on `key` of `table`.
    func holds(_ table: LeaseTable, key: String, owner: String) async throws -> Bool
}
