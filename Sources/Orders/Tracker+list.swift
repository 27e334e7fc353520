import BitaqaCore
import Logging
import Synchronization

extension Tracker {
    /// What the list said of a pass's orders.
    struct ListOutcome {
        /// Statuses to record as they are (HANDLING, QUEUED, REFUNDED).
        var learned: [(TopupStatus, OrderRecord)] = []
        /// Orders left for `check-id`: FULFILLED ones (for the card), those the list did not show, and those
        /// whose item it could not read.
        var forCheck: [OrderRecord] = []
    }

    /// Learns the status of claimed, recently registered orders from `internet/list` over the window of
    /// their registrations, page by page until each is seen. A failed call defers every order it was for.
    func checkByList(_ orders: [OrderRecord]) async -> ListOutcome {
        guard let oldest = orders.map(\.createdAt).min() else { return ListOutcome() }
        let now = time.now()
        let from = oldest - schedule.listMargin.inMilliseconds
        let to = now + schedule.listMargin.inMilliseconds
        var unseen = Dictionary(orders.map { ($0.topupId.rawValue, $0) }, uniquingKeysWith: { first, _ in first })
        var learned: [(TopupStatus, OrderRecord)] = []
        var forCheck: [OrderRecord] = []
        var page = 1
        while !unseen.isEmpty {
            let result: TopupPage
            do {
                metrics.upstreamCall("list")
                result = try await client.list(from: from, to: to, page: page, pageSize: 100)
            } catch {
                // As if each order's own check had failed: asking each one now would fail the same way.
                metrics.upstreamError(Self.errorClass(error))
                await WorkLoop.forEach(Array(unseen.values), limit: concurrency) {
                    try? await self.deferAfter(error, $0)
                }
                return ListOutcome(learned: learned, forCheck: forCheck)
            }
            if result.unreadable > 0, listWarning.setOnce() {
                logger.warning(
                    "upstream list items without an id or a status; those orders are checked one by one",
                    metadata: ["unreadable": "\(result.unreadable)"])
            }
            for item in result.items {
                guard let id = item.topupId, let order = unseen.removeValue(forKey: id) else { continue }
                if case .known(let status) = item.status, status != .fulfilled {
                    learned.append((item, order))
                } else {
                    forCheck.append(order)
                }
            }
            // Another page costs as much as a check-id: past as many pages as orders left, ask each.
            if page >= result.totalPages || page >= unseen.count { break }
            page += 1
        }
        return ListOutcome(learned: learned, forCheck: forCheck + unseen.values)
    }

    /// Records what the list said of each order.
    func record(_ learned: [(TopupStatus, OrderRecord)]) async {
        await WorkLoop.forEach(learned, limit: concurrency) { item, order in
            do {
                try await self.apply(item, to: order)
            } catch {
                self.logger.error(
                    "order check failed",
                    metadata: ["topup_id": "\(order.topupId)", "error.type": "\(type(of: error))"])
            }
        }
    }
}

/// A flag that is set once, from any task.
final class OnceFlag: Sendable {
    private let value = Mutex(false)

    /// True the first time only.
    func setOnce() -> Bool {
        value.withLock { set in
            defer { set = true }
            return !set
        }
    }
}
