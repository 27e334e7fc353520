import BitaqaCore
import Foundation
import Hummingbird
import Logging
import OneClickDZ
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

/// The window of a reconciliation from `from` and `to` as given (ISO 8601, or a date), by default the 24
/// hours before `to`, and `to` now.
public struct ReconciliationWindow: Sendable {
    public let from: Int64
    public let to: Int64

    public init(from rawFrom: String?, to rawTo: String?, now: Int64) throws(PublicError) {
        func parse(_ raw: String?, _ name: String) throws(PublicError) -> Int64? {
            guard let raw else { return nil }
            guard let value = Timestamp.parse(raw) else {
                throw PublicError.badRequest("\(name) must be an ISO 8601 time such as 2026-12-01T00:00:00Z")
            }
            return value
        }
        let to = try parse(rawTo, "to") ?? now
        let from = try parse(rawFrom, "from") ?? to - Duration.seconds(86_400).inMilliseconds
        guard from <= to else { throw PublicError.badRequest("from must not be after to") }
        self.from = from
        self.to = to
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
    let differences: [Reconciler.Difference]
    let totals: [String: Reconciler.Total]

    public init(_ report: Reconciler.Report) {
        from = report.from
        to = report.to
        upstreamCount = report.upstreamCount
        localCount = report.localCount
        unreadable = report.unreadable
        differences = report.differences
        totals = report.totals
    }
}
