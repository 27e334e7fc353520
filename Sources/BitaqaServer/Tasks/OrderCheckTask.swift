import Audit
import BitaqaCore
import CardVault
import Foundation
import Logging
import OneClickDZ
import Orders
import Storage

/// `bitaqa orders check TOPUP_ID`: asks the upstream for one order now, the way `serve`'s tracker would
/// (its lease, its rate limit, its recording of the outcome), and returns the order after the check.
public enum OrderCheckTask {
    /// What the command prints, and whether the upstream answered.
    public struct Result: Sendable {
        /// The order as JSON, as `GET /v1/orders/{topupId}` answers it.
        public let orderJSON: String
        /// Nil when the check was made (or not needed); the upstream's failure otherwise.
        public let upstreamFailure: String?
    }

    /// Thrown for an order the database does not know, or a configuration that cannot check.
    public struct Refusal: Error, CustomStringConvertible {
        public let description: String
    }

    public static func run(_ configuration: BitaqaConfiguration, topupId: TopupID, logger: Logger) async throws
        -> Result
    {
        guard configuration.upstream.apiKey != nil else {
            throw Refusal(
                description:
                    "no ONECLICKDZ_API_KEY: in development the sandbox runs inside `serve`; use POST /v1/orders/\(topupId)/check there"
            )
        }
        let ring = try resolveKeyRing(configuration, logger: logger)
        let resources = Resources()
        let store = try await Store.open(configuration.storage.database, logger: logger)
        resources.own("database") { await store.shutdown() }
        do {
            try await Migrator(store: store, logger: logger).migrate()
            let upstream = try Upstream.make(
                configuration, worker: "orders-check", resources: resources, scrubber: SecretScrubber(), logger: logger)
            let tracker = Tracker(
                store: store, client: upstream.client, vault: CardVault(keyRing: ring),
                audit: AuditTrail(store: store, keys: AuditKeys(ring: ring)),
                schedule: configuration.pipeline.schedule,
                logger: logger, owner: "bitaqa orders check \(getpid())", lease: configuration.pipeline.lease,
                unknownUpstreamAfter: configuration.pipeline.unknownUpstreamAfter
            )
            let order: OrderRecord
            var failure: String?
            switch try await tracker.checkNow(topupId, restartingUnknown: true) {
            case .notFound: throw Refusal(description: "no order \(topupId)")
            case .checked(let found), .notChecked(let found): order = found
            case .upstreamFailed(let found, let error):
                order = found
                failure = "\(error)"
            }
            let deliveries = try await SQLOrderRepository(store: store).deliveries(of: topupId)
            let json = String(
                decoding: try ResponseJSON.encoder.encode(OrderResponse(order: order, deliveries: deliveries)),
                as: UTF8.self)
            await resources.closeAll(logger: logger)
            return Result(orderJSON: json, upstreamFailure: failure)
        } catch {
            await resources.closeAll(logger: logger)
            throw error
        }
    }
}
