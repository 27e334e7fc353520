import BitaqaCore
import CardVault
import Logging
import ServiceLifecycle

/// The gift-card product line's use cases, built once by the composition root: the cached catalogue,
/// placing and registering orders, and following them.
public struct GiftCards: Sendable {
    public let catalogue: GiftCardCatalogue
    public let placement: GiftCardPlacement
    public let tracker: GiftCardTracker
    public let maxQuantity: Int
    public var line: GiftCardLine { GiftCardLine(maxQuantity: maxQuantity) }

    public init(
        context: DomainContext, upstream: any GiftCardUpstream, vault: CardVault, binder: ContactBinder,
        account: UpstreamAccount?, maxQuantity: Int, schedule: GiftCardSchedule, logger: Logger,
        metrics: GiftCardMetrics
    ) {
        catalogue = GiftCardCatalogue(upstream: upstream)
        placement = GiftCardPlacement(
            context: context, upstream: upstream, catalogue: catalogue, account: account, binder: binder,
            maxQuantity: maxQuantity, schedule: schedule, metrics: metrics)
        tracker = GiftCardTracker(
            context: context, upstream: upstream, vault: vault, schedule: schedule, logger: logger, metrics: metrics)
        self.maxQuantity = maxQuantity
    }
}

/// Runs the gift-card tracker's passes until graceful shutdown, resting a second when nothing was due:
/// the upstream's schedule is every 5 s, so a second's rest costs no order more than that.
public struct GiftCardTracking: Service {
    let tracker: GiftCardTracker
    let logger: Logger
    let rest: Duration

    public init(tracker: GiftCardTracker, logger: Logger, rest: Duration = .seconds(1)) {
        self.tracker = tracker
        self.logger = logger
        self.rest = rest
    }

    public func run() async throws {
        await WorkLoop.run(
            name: "gift-card tracker", logger: logger, rest: { rest }, pass: { try await tracker.pass() })
    }
}
