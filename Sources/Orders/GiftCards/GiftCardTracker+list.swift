import BitaqaCore
import Logging

extension GiftCardTracker {
    /// Reads the upstream's list over the due orders' window (from the oldest one's creation, less the
    /// clocks' slack) and applies what it says to every due order it holds; returns their refs.
    ///
    /// The list hands out every code of every order in the window: only the due orders' items are used,
    /// and only to seal their cards; the rest are dropped as read, never stored or logged. A failing
    /// list call answers for nobody, and each order is then asked about on its own.
    func checkByList(_ due: [GiftCardOrder]) async throws -> Set<String> {
        let wanted = Dictionary(
            uniqueKeysWithValues: due.compactMap { order in order.details.orderId.map { ($0, order) } })
        guard let oldest = due.map(\.order.createdAt).min() else { return [] }
        let from = oldest - schedule.clockSlack.inMilliseconds
        let to = context.time.now() + schedule.clockSlack.inMilliseconds
        var found: [String: GiftCardOrderState] = [:]
        var page = 1
        do {
            while page <= 10 && found.count < wanted.count {
                let listed = try await upstream.list(from: from, to: to, page: page, pageSize: 100)
                for item in listed.items where wanted[item.orderId] != nil { found[item.orderId] = item }
                if page >= listed.totalPages { break }
                page += 1
            }
        } catch {
            logger.info("gift-card list unavailable; checking orders one by one", metadata: ["error": "\(error)"])
            return []
        }
        var answered: Set<String> = []
        for (orderId, state) in found {
            guard let order = wanted[orderId] else { continue }
            try await apply(state, to: order)
            answered.insert(order.details.ref)
        }
        return answered
    }
}
