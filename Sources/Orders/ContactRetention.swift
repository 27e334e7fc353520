import Audit
import BitaqaCore
import Logging
import ServiceLifecycle

/// Keeps buyers' contacts no longer than their purpose needs (`BITAQA_CONTACT_RETENTION_DAYS` after the
/// order is settled: delivered, refunded or not placed) and never in clear.
///
/// Each pass erases the contacts of settled orders unchanged for longer than the retention, in batches
/// (each order its own transaction with its `CONTACTS_ERASED` event), and seals contacts still held in
/// clear by a version before sealing (the online upgrade; `bitaqa keys rotate` does the same with
/// progress). Both are resumable: a pass that stops halfway leaves done what it did, and the next one
/// finds the rest. Orders not yet settled keep their contacts, whatever their age.
public struct ContactRetention: Service {
    let context: DomainContext
    let eraser: ContactEraser
    let retention: Duration
    let interval: Duration
    let metrics: ContactMetrics
    let logger: Logger
    let batchSize: Int

    /// The statuses after which an order needs its buyer's contacts no more.
    public static let settled: [OrderStatus] = OrderStatus.allCases.filter(\.isFinal)

    public init(
        context: DomainContext, binder: ContactBinder, retention: Duration, interval: Duration,
        metrics: ContactMetrics, logger: Logger, batchSize: Int = 200
    ) {
        self.context = context
        self.eraser = ContactEraser(context: context, binder: binder)
        self.retention = retention
        self.interval = interval
        self.metrics = metrics
        self.logger = logger
        self.batchSize = batchSize
    }

    public func run() async throws {
        await WorkLoop.every(interval, name: "contact retention", logger: logger) { try await pass() }
    }

    /// What one pass did.
    public struct Pass: Sendable, Equatable {
        public var erased = 0
        public var sealed = 0
    }

    /// Erases every due contact and seals every clear one, batch after batch, until none is left.
    @discardableResult
    public func pass() async throws -> Pass {
        var done = Pass()
        while !Task.isCancelled {
            let erased = try await eraseBatch()
            done.erased += erased.erased
            if erased.looked < batchSize { break }
        }
        var cursor: String?
        while !Task.isCancelled {
            let batch = try await context.repositories.transaction { [context, cursor, batchSize] transaction in
                try await context.repositories.orders.sealContacts(
                    after: cursor, limit: batchSize, resealing: false, in: transaction)
            }
            done.sealed += batch.sealed
            metrics.sealed(batch.sealed)
            guard let last = batch.last else { break }
            cursor = last
        }
        if done.erased > 0 || done.sealed > 0 {
            try await context.repositories.orders.flushRemovedContacts()
            logger.info(
                "contacts kept to their retention", metadata: ["erased": "\(done.erased)", "sealed": "\(done.sealed)"])
        }
        return done
    }

    private func eraseBatch() async throws -> (looked: Int, erased: Int) {
        let before = context.time.now() - retention.inMilliseconds
        let due = try await context.repositories.orders.contactsDue(
            statuses: Self.settled, unchangedSince: before, limit: batchSize)
        var erased = 0
        for order in due
        where try await eraser.erase(order, reason: .retention, actor: "contact retention", requestID: nil) {
            erased += 1
        }
        metrics.erased(erased, reason: .retention)
        // An order whose erasure lost a race stays due; stop rather than loop on it.
        return (erased == 0 ? 0 : due.count, erased)
    }
}
