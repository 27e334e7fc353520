import BitaqaCore

/// Checks an order upstream when a person looks at it (a buyer asking for the card, the merchant opening
/// the order) and the last answer is older than `after`: a QUEUED order fulfilled upstream is then
/// delivered at the buyer's next look, not at its next scheduled check.
///
/// The check is the tracker's (its lease, its rate limit, its recording), so a buyer who asks again and
/// again causes at most one check per `after` per order, and none while one is in flight.
public struct OnDemandCheck: Sendable {
    let tracker: Tracker
    let after: Duration
    let wait: Duration
    /// Where a check runs that the look does not wait for.
    let background: BackgroundChecks
    var time: TimeSource { tracker.time }

    /// - Parameters:
    ///   - after: how old the last answer must be (`BITAQA_CHECK_ON_DEMAND_AFTER`).
    ///   - wait: how long the look waits for the answer; past it, it answers with what it has and the
    ///     check finishes in `background`.
    ///   - background: the service the checks run in (a service of the application).
    public init(tracker: Tracker, after: Duration, wait: Duration, background: BackgroundChecks) {
        self.tracker = tracker
        self.after = after
        self.wait = wait
        self.background = background
    }

    /// The order as the upstream says it is now when a check was due and answered within `wait`;
    /// otherwise the order as given.
    public func refreshed(_ order: OrderRecord) async -> OrderRecord {
        guard order.status == .handling || order.status == .queued else { return order }
        let last = order.lastCheckedAt ?? order.createdAt
        guard time.now() - last >= after.inMilliseconds else { return order }
        let (answers, continuation) = AsyncStream.makeStream(of: OrderRecord?.self)
        // A slow check outlives the look, and what it learns is recorded for the next one: it runs in
        // the background service, which a graceful stop waits for; the look waits no longer than `wait`.
        let started = background.run { [tracker] in
            if case .checked(let fresh)? = try? await tracker.checkNow(order.topupId) {
                continuation.yield(fresh)
            } else {
                continuation.yield(nil)
            }
        }
        guard started else { return order }
        let fresh = await withTaskGroup(of: OrderRecord??.self) { group in
            group.addTask {
                var iterator = answers.makeAsyncIterator()
                return await iterator.next()
            }
            group.addTask { [wait] in
                try? await Task.sleep(for: wait)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            continuation.finish()
            return first ?? nil
        }
        return fresh ?? order
    }

    /// At least this long between two explicit checks of one order.
    public static let minimumCooldown: Duration = .seconds(5)

    /// An explicit check of the order came too soon after its last upstream answer.
    public struct TooSoon: Error, Sendable {
        public let retryAfter: Int
    }

    /// The merchant's explicit check (`POST /v1/orders/{id}/check`): at most one per order per `after`
    /// (at least ``minimumCooldown``), so a script that asks in a loop cannot spend the upstream's budget
    /// that every order's tracking shares.
    public func requested(_ topupId: TopupID) async throws -> Tracker.CheckOutcome {
        if let order = try await tracker.context.repositories.orders.find(topupId), let last = order.lastCheckedAt {
            let cooldown = max(after, Self.minimumCooldown).inMilliseconds
            let waited = time.now() - last
            if waited < cooldown {
                throw TooSoon(retryAfter: Int((cooldown - waited + 999) / 1_000))
            }
        }
        return try await tracker.checkNow(topupId, restartingUnknown: true)
    }
}
