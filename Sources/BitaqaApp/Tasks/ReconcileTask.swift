import BitaqaCore
import BitaqaHTTP
import Foundation
import Logging
import Orders

/// `bitaqa reconcile`: compares the upstream's history for a window with the orders in the configured
/// database, and with `adopt` registers the untracked top-ups (never gift-card orders: each needs its buyer).
public enum ReconcileTask {
    public struct Outcome: Sendable {
        public let report: Reconciler.Report
        public let adopted: [TopupID]
    }

    public static func run(
        _ configuration: BitaqaConfiguration, window: ReconciliationWindow, adopt: Bool, logger: Logger,
        progress: @escaping @Sendable (Int, Int) -> Void
    ) async throws -> Outcome {
        guard configuration.upstream.apiKey != nil else {
            throw OrderCheckTask.Refusal(
                description:
                    "no ONECLICKDZ_API_KEY: in development the sandbox runs inside `serve`; use GET /v1/reconciliation there"
            )
        }
        return try await Composition.withCommand("reconcile", configuration, logger: logger) { app in
            let report = try await app.reconciler.run(from: window.from, to: window.to, progress: progress)
            let adopted = adopt ? try await app.reconciler.adopt(report, actor: "bitaqa reconcile", requestID: nil) : []
            return Outcome(report: report, adopted: adopted)
        }
    }

    /// The report as `GET /v1/reconciliation` answers it.
    public static func json(_ report: Reconciler.Report) throws -> String {
        try ReconciliationBody.json(report)
    }

    /// The report as a table with totals, for people.
    public static func text(_ report: Reconciler.Report) -> String {
        var lines = ["Reconciliation \(report.from) to \(report.to)"]
        lines.append(
            "upstream top-ups: \(report.upstreamCount), Bitaqa orders: \(report.localCount)"
                + (report.giftCardUpstreamCount.map { ", upstream gift-card orders: \($0)" } ?? "")
                + (report.giftCardLocalCount.map { ", Bitaqa gift-card orders: \($0)" } ?? "")
                + (report.unreadable > 0 ? ", unreadable upstream items: \(report.unreadable)" : ""))
        guard !report.differences.isEmpty else {
            lines.append("no differences")
            return lines.joined(separator: "\n")
        }
        let header = ["KIND", "TOPUP ID", "UPSTREAM", "BITAQA", "VALUE DZD", "DETAIL"]
        let rows = report.differences.map { difference in
            [
                difference.kind.rawValue, difference.topupId, difference.status ?? "-", difference.localStatus ?? "-",
                difference.value.map(String.init) ?? "-", detail(difference),
            ]
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }
        lines.append(line(header))
        lines += rows.map(line)
        lines.append("")
        lines.append("totals:")
        let totals = report.totals
        for kind in Reconciler.Kind.allCases {
            let total = totals[kind.rawValue] ?? Reconciler.Total()
            guard total.count > 0 else { continue }
            lines.append("  \(kind.rawValue): \(total.count), \(total.amount) DZD")
        }
        let all = totals["all"] ?? Reconciler.Total()
        lines.append("  all: \(all.count), \(all.amount) DZD at stake")
        let giftCard = ProductLineID.giftCard.rawValue
        if report.differences.contains(where: { $0.kind == .untracked && $0.product == giftCard }) {
            lines.append("")
            lines.append(
                "untracked gift-card orders are never adopted: register each for its buyer with "
                    + "POST /v1/gift-card-orders/register {\"orderId\", \"userId\", ...}")
        }
        return lines.joined(separator: "\n")
    }

    /// The channels of a delivery kind; for a gift-card order, `gift-card` and its ref first.
    static func detail(_ difference: Reconciler.Difference) -> String {
        let product = difference.product == ProductLineID.giftCard.rawValue ? difference.product : nil
        return [product, difference.ref.map { "ref \($0)" }, difference.channels?.joined(separator: ",")]
            .compactMap { $0 }.joined(separator: " ")
    }
}
