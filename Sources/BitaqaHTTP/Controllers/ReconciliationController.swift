import BitaqaCore
import Foundation
import Hummingbird
import Logging
import Orders

/// `GET /v1/reconciliation?from=T&to=T`: the differences between the upstream's history and Bitaqa's
/// orders for a window (default: the last 24 hours), as `bitaqa reconcile` reports them.
struct ReconciliationController {
    let reconciler: Reconciler
    let time: TimeSource

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("reconciliation", use: reconcile)
    }

    @Sendable func reconcile(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let window = try ReconciliationWindow(
            from: query.get("from").map { String($0) }, to: query.get("to").map { String($0) }, now: time.now())
        let report: Reconciler.Report
        do {
            report = try await reconciler.run(from: window.from, to: window.to)
        } catch let error as UpstreamError {
            context.logger.info("reconciliation failed upstream", metadata: ["error": "\(error)"])
            throw PublicError(.upstreamUnavailable, "OneClickDz did not answer the history; try again shortly")
        }
        return try ResponseJSON.response(ReconciliationBody(report))
    }
}

/// The report as the API and `bitaqa reconcile --format json` write it.
public struct ReconciliationBody: Encodable, Sendable {
    let success = true
    let from: String
    let to: String
    let upstreamCount: Int
    let localCount: Int
    let unreadable: Int
    /// Present when the gift cards were compared too.
    let giftCardUpstreamCount: Int?
    let giftCardLocalCount: Int?
    let differences: [Reconciler.Difference]
    let totals: [String: Reconciler.Total]

    public init(_ report: Reconciler.Report) {
        from = report.from
        to = report.to
        upstreamCount = report.upstreamCount
        localCount = report.localCount
        unreadable = report.unreadable
        giftCardUpstreamCount = report.giftCardUpstreamCount
        giftCardLocalCount = report.giftCardLocalCount
        differences = report.differences
        totals = report.totals
    }
}

extension ReconciliationBody {
    /// The report as `GET /v1/reconciliation` answers it, for the command line.
    public static func json(_ report: Reconciler.Report) throws -> String {
        String(decoding: try ResponseJSON.encoder.encode(ReconciliationBody(report)), as: UTF8.self)
    }

    /// The differences as `GET /v1/reconciliation.csv` writes them, one a line: the columns of old, then
    /// `product`, `orderId` and `ref` (gift cards). Never a card code.
    static func csv(_ report: Reconciler.Report) -> CSVText {
        var csv = CSVText(header: [
            "kind", "topupId", "upstreamStatus", "bitaqaStatus", "value", "topupRef", "userId", "product", "orderId",
            "ref",
        ])
        for difference in report.differences {
            csv.append([
                difference.kind.rawValue, difference.topupId, difference.status, difference.localStatus,
                difference.value.map(String.init), difference.topupRef, difference.userId, difference.product,
                difference.orderId, difference.ref,
            ])
        }
        return csv
    }
}
