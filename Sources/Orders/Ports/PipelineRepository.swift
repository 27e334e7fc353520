import BitaqaCore
import Foundation

/// The writes of the tracker and the deliverer. Every one that ends a lease checks that the caller still
/// holds it, so a worker whose lease expired (it was slow, or presumed dead) cannot overwrite the work of
/// the worker that took over; each returns whether it did.
public protocol PipelineRepository: Sendable {
    // MARK: Tracking
    /// Records a check's outcome, sets the next check (nil: none) and releases the lease.
    @discardableResult
    func recordCheck(
        _ topupId: TopupID, owner: String, status: OrderStatus?, nextCheckAt: Int64?, error: String?, now: Int64,
        in transaction: Transaction?
    ) async throws -> Bool
    /// Stores the sealed card and marks the order FULFILLED, unless it already is.
    func markFulfilled(
        _ topupId: TopupID, owner: String, sealed: [UInt8], keyID: String, transactionNumber: String?,
        processedDate: String?, type: CardType?, number: String?, value: Int?, now: Int64, in transaction: Transaction
    ) async throws -> Bool
    /// An `UNKNOWN_UPSTREAM` order back to `HANDLING`, due now and tracked as if new from `now` (its
    /// schedule and its unknown-upstream clock restart); false when it was not `UNKNOWN_UPSTREAM`.
    func restartTracking(_ topupId: TopupID, now: Int64, in transaction: Transaction) async throws -> Bool
    /// Marks the order REFUNDED, unless it already is.
    func markRefunded(_ topupId: TopupID, owner: String, now: Int64, in transaction: Transaction) async throws -> Bool
    /// Queues one delivery per channel, due now; returns their ids.
    @discardableResult
    func insertDeliveries(
        _ topupId: TopupID, channels: [DeliveryChannel], purpose: DeliveryPurpose, now: Int64,
        in transaction: Transaction
    ) async throws -> [String]

    // MARK: Delay notices
    /// QUEUED orders queued at or before `queuedBefore` whose buyer has not been told of the delay yet,
    /// oldest first.
    func dueDelayNotices(queuedBefore: Int64, limit: Int) async throws -> [OrderRecord]
    /// Marks the order's delay notice as sent, once; false when it already was or it is no longer QUEUED.
    func markDelayNoticed(_ topupId: TopupID, now: Int64, in transaction: Transaction) async throws -> Bool

    // MARK: Delivering
    func delivery(_ id: String) async throws -> DeliveryRecord?
    func markSending(_ id: String, owner: String, now: Int64) async throws
    func markDelivered(_ id: String, owner: String, providerMessageID: String?, now: Int64, in transaction: Transaction)
        async throws -> Bool
    @discardableResult
    func markRetry(_ id: String, owner: String, error: String, nextAttemptAt: Int64, now: Int64) async throws -> Bool
    func markFailed(_ id: String, owner: String, error: String, now: Int64, in transaction: Transaction) async throws
        -> Bool

    // MARK: Figures
    /// Checks and deliveries due now.
    func queueDepth(now: Int64) async throws -> (checks: Int, deliveries: Int)
    /// When the order was fulfilled; nil when it is not.
    func fulfilledAt(_ topupId: TopupID) async throws -> Int64?
}

extension PipelineRepository {
    /// Records a check in a transaction of its own.
    @discardableResult
    public func recordCheck(
        _ topupId: TopupID, owner: String, status: OrderStatus?, nextCheckAt: Int64?, error: String?, now: Int64
    ) async throws -> Bool {
        try await recordCheck(
            topupId, owner: owner, status: status, nextCheckAt: nextCheckAt, error: error, now: now, in: nil)
    }
}
