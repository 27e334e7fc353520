import BitaqaCore
import Foundation
import Orders

/// The tracker's and the deliverer's writes in memory, with the guards of Storage's
/// `SQLPipelineRepository`: every write that ends a lease happens only while the caller still holds it
/// (the owner is compared, as `lease_owner = owner` is, whether or not the lease has run out), and says
/// whether it did.
public struct MemoryPipelineRepository: PipelineRepository {
    let database: MemoryDatabase

    public init(database: MemoryDatabase) {
        self.database = database
    }

    // MARK: - Tracking

    @discardableResult
    public func recordCheck(
        _ topupId: TopupID, owner: String, status: OrderStatus?, nextCheckAt: Int64?, error: String?, now: Int64,
        in transaction: Transaction?
    ) async throws -> Bool {
        try await database.write(joining: transaction) { tables in
            tables.changeOrder(topupId, heldBy: owner) { row in
                if let status { row.record.status = status }
                if status == .queued { row.queuedAt = row.queuedAt ?? now }
                row.record.nextCheckAt = nextCheckAt
                row.record.checkCount += 1
                row.lastCheckError = error
                row.record.lastCheckedAt = now
                row.record.updatedAt = now
                row.lease = Lease()
                return true
            }
        }
    }

    public func markFulfilled(
        _ topupId: TopupID, owner: String, sealed: [UInt8], keyID: String, transactionNumber: String?,
        processedDate: String?, type: CardType?, number: String?, value: Int?, now: Int64, in transaction: Transaction
    ) async throws -> Bool {
        try database.write(in: transaction) { tables in
            tables.changeOrder(topupId, heldBy: owner) { row in
                guard row.record.status != .fulfilled else { return false }
                row.record.status = .fulfilled
                row.record.sealedCard = sealed
                row.record.cardKeyId = keyID
                row.record.transactionNumber = transactionNumber
                row.record.processedDate = processedDate
                // `COALESCE(column, reported)`: what the order said first stays.
                row.record.cardType = row.record.cardType ?? type
                row.record.number = row.record.number ?? number
                row.record.value = row.record.value ?? value
                row.fulfilledAt = now
                row.record.nextCheckAt = nil
                row.record.checkCount += 1
                row.record.lastCheckedAt = now
                row.lastCheckError = nil
                row.record.updatedAt = now
                row.lease = Lease()
                return true
            }
        }
    }

    public func restartTracking(_ topupId: TopupID, now: Int64, in transaction: Transaction) async throws -> Bool {
        try database.write(in: transaction) { tables in
            guard var row = tables.orders[topupId.rawValue], row.record.status == .unknownUpstream else {
                return false
            }
            row.record.status = .handling
            row.record.nextCheckAt = now
            row.record.checkCount = 0
            row.record.trackedSince = now
            row.record.updatedAt = now
            tables.orders[topupId.rawValue] = row
            return true
        }
    }

    public func markRefunded(_ topupId: TopupID, owner: String, now: Int64, in transaction: Transaction) async throws
        -> Bool
    {
        try database.write(in: transaction) { tables in
            tables.changeOrder(topupId, heldBy: owner) { row in
                guard row.record.status != .refunded else { return false }
                row.record.status = .refunded
                row.record.nextCheckAt = nil
                row.record.checkCount += 1
                row.lastCheckError = nil
                row.record.updatedAt = now
                row.record.lastCheckedAt = now
                row.lease = Lease()
                return true
            }
        }
    }

    @discardableResult
    public func insertDeliveries(
        _ topupId: TopupID, channels: [DeliveryChannel], purpose: DeliveryPurpose, now: Int64,
        in transaction: Transaction
    ) async throws -> [String] {
        try database.write(in: transaction) { tables in
            guard tables.orders[topupId.rawValue] != nil else {
                throw MemoryDatabaseError.missingReference(table: "deliveries", key: topupId.rawValue)
            }
            return channels.map { channel in
                let id = UUID().uuidString.lowercased()
                var record = DeliveryRecord(
                    id: id, topupId: topupId, channel: channel, purpose: purpose, state: .pending, attempts: 0,
                    createdAt: now)
                record.nextAttemptAt = now
                tables.deliveries[id] = DeliveryRow(record: record, updatedAt: now)
                return id
            }
        }
    }

    // MARK: - Delivering

    public func delivery(_ id: String) async throws -> DeliveryRecord? {
        try database.read { $0.deliveries[id]?.record }
    }

    public func markSending(_ id: String, owner: String, now: Int64) async throws {
        _ = try await database.write { tables in
            tables.changeDelivery(id, heldBy: owner) { row in
                row.record.state = .sending
                row.updatedAt = now
            }
        }
    }

    public func markDelivered(
        _ id: String, owner: String, providerMessageID: String?, now: Int64, in transaction: Transaction
    ) async throws -> Bool {
        try database.write(in: transaction) { tables in
            tables.changeDelivery(id, heldBy: owner) { row in
                row.record.state = .delivered
                row.record.attempts += 1
                row.record.providerMessageId = providerMessageID
                row.record.deliveredAt = now
                row.record.lastError = nil
                row.record.nextAttemptAt = nil
                row.updatedAt = now
                row.lease = Lease()
            }
        }
    }

    @discardableResult
    public func markRetry(_ id: String, owner: String, error: String, nextAttemptAt: Int64, now: Int64) async throws
        -> Bool
    {
        try await database.write { tables in
            tables.changeDelivery(id, heldBy: owner) { row in
                row.record.state = .pending
                row.record.attempts += 1
                row.record.lastError = error
                row.record.nextAttemptAt = nextAttemptAt
                row.updatedAt = now
                row.lease = Lease()
            }
        }
    }

    public func markFailed(_ id: String, owner: String, error: String, now: Int64, in transaction: Transaction)
        async throws -> Bool
    {
        try database.write(in: transaction) { tables in
            tables.changeDelivery(id, heldBy: owner) { row in
                row.record.state = .failed
                row.record.attempts += 1
                row.record.lastError = error
                row.record.nextAttemptAt = nil
                row.updatedAt = now
                row.lease = Lease()
            }
        }
    }

    // MARK: - Figures

    public func queueDepth(now: Int64) async throws -> (checks: Int, deliveries: Int) {
        let (checks, deliveries) = try database.read { tables in
            (
                tables.orders.values.count { ($0.record.nextCheckAt ?? .max) <= now },
                tables.deliveries.values.count { ($0.record.nextAttemptAt ?? .max) <= now }
            )
        }
        return (checks, deliveries)
    }

    public func fulfilledAt(_ topupId: TopupID) async throws -> Int64? {
        try database.read { $0.orders[topupId.rawValue]?.fulfilledAt }
    }

    // MARK: - Delay notices

    public func dueDelayNotices(queuedBefore: Int64, limit: Int) async throws -> [OrderRecord] {
        try database.read { tables in
            tables.orders.values
                .filter { row in
                    guard let queuedAt = row.queuedAt else { return false }
                    return row.record.status == .queued && queuedAt <= queuedBefore && row.delayNoticedAt == nil
                }
                .sorted {
                    ($0.queuedAt ?? 0, $0.record.topupId.rawValue) < ($1.queuedAt ?? 0, $1.record.topupId.rawValue)
                }
                .prefix(limit).map(\.record)
        }
    }

    public func markDelayNoticed(_ topupId: TopupID, now: Int64, in transaction: Transaction) async throws -> Bool {
        try database.write(in: transaction) { tables in
            guard var row = tables.orders[topupId.rawValue], row.record.status == .queued, row.delayNoticedAt == nil
            else { return false }
            row.delayNoticedAt = now
            row.record.updatedAt = now
            tables.orders[topupId.rawValue] = row
            return true
        }
    }
}

extension MemoryTables {
    /// Changes an order `owner` holds the lease of, when `body` returns true; returns whether it did.
    mutating func changeOrder(_ topupId: TopupID, heldBy owner: String, _ body: (inout OrderRow) -> Bool) -> Bool {
        guard var row = orders[topupId.rawValue], row.lease.owner == owner, body(&row) else { return false }
        orders[topupId.rawValue] = row
        return true
    }

    /// Changes a delivery `owner` holds the lease of; returns whether it did.
    mutating func changeDelivery(_ id: String, heldBy owner: String, _ body: (inout DeliveryRow) -> Void) -> Bool {
        guard var row = deliveries[id], row.lease.owner == owner else { return false }
        body(&row)
        deliveries[id] = row
        return true
    }
}
