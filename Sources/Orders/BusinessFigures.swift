import BitaqaCore

/// The numbers of the business over a window, per Algiers day and in total: orders, cards delivered,
/// failures, the face value of what was bought. The cost is not known per order (the upstream's price
/// at the time of purchase is not recorded), so it is reported as unknown rather than guessed.
public struct BusinessFigures: Sendable {
    let context: DomainContext

    public init(context: DomainContext) {
        self.context = context
    }

    /// One day's figures, or the totals, as every surface shows them.
    public struct Row: Sendable, Equatable {
        /// `2026-12-07`, the Algiers date; nil for the totals.
        public let date: String?
        public let orders: Int
        public let delivered: Int
        public let failed: Int
        public let faceValue: Int
    }

    public struct Report: Sendable, Equatable {
        public let days: [Row]
        public let totals: Row
    }

    /// The figures of the orders registered within `from...to` (milliseconds since 1970).
    public func report(from: Int64, to: Int64) async throws -> Report {
        let days = try await context.repositories.orders.dailyFigures(from: from, to: to)
        let rows = days.map {
            Row(
                date: DailyFigures.date(ofDay: $0.day), orders: $0.orders, delivered: $0.delivered, failed: $0.failed,
                faceValue: $0.faceValue)
        }
        let totals = Row(
            date: nil, orders: rows.map(\.orders).reduce(0, +), delivered: rows.map(\.delivered).reduce(0, +),
            failed: rows.map(\.failed).reduce(0, +), faceValue: rows.map(\.faceValue).reduce(0, +))
        return Report(days: rows, totals: totals)
    }
}
