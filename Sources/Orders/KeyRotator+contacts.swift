import Audit
import BitaqaCore
import CardVault

extension KeyRotator {
    /// What sealing the contacts did.
    public struct ContactReport: Sendable, Equatable {
        /// Orders whose contacts were sealed (from clear) or sealed again (from an older key), and indexed.
        public var sealed = 0
        /// Orders whose sealed contacts did not open (moved from another order, tampered, or under a key
        /// no longer in the ring): left as they are, their deliveries refused.
        public var unreadable: [String] = []
        /// Orders still holding contacts in clear or under another key after the run.
        public var remaining = 0

        public init() {}
    }

    /// Orders whose contacts a run would seal: held in clear (from before sealing) or under another key.
    public func contactsPending() async throws -> Int {
        try await context.repositories.orders.contactsToSeal()
    }

    /// Seals every order's contacts under the active key and indexes them, in batches of `batchSize`
    /// orders, each its own transaction: resumable, and safe while `serve` runs (each row changes only if
    /// it still holds what the batch read). `progress` is told the running total after each batch.
    public func sealContacts(batchSize: Int = 200, progress: @Sendable (Int) -> Void = { _ in }) async throws
        -> ContactReport
    {
        var report = ContactReport()
        var cursor: String?
        while true {
            let batch = try await context.repositories.transaction { [context, cursor] transaction in
                try await context.repositories.orders.sealContacts(
                    after: cursor, limit: batchSize, resealing: true, in: transaction)
            }
            report.sealed += batch.sealed
            report.unreadable += batch.unreadable.map(\.rawValue)
            guard let last = batch.last else { break }
            cursor = last
            progress(report.sealed)
        }
        if report.sealed > 0 { try await context.repositories.orders.flushRemovedContacts() }
        report.remaining = try await contactsPending()
        if report.sealed > 0 || !report.unreadable.isEmpty {
            try await context.trail.append(
                AuditEvent(
                    .contactsBound, actor: "bitaqa keys rotate",
                    details: [
                        "key_id": vault.keyRing.activeKeyID.hex, "contacts_sealed": String(report.sealed),
                        "contacts_unreadable": String(report.unreadable.count),
                    ]),
                now: context.time.now())
        }
        return report
    }
}
