import BitaqaCore
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Orders

/// The merchant's figures and exports: `GET /v1/stats`, `GET /v1/orders.csv` (the list's filters) and
/// `GET /v1/reconciliation.csv`. Every export carries contacts, so none is cached; none holds a card code.
struct ExportsController {
    let domain: DomainContext
    let figures: BusinessFigures
    let reconciler: Reconciler

    /// The most rows one CSV export holds; a larger export is narrowed with `from`/`to`.
    static let maxRows = 100_000

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("stats", use: stats)
        group.get("orders.csv", use: ordersCSV)
        group.get("reconciliation.csv", use: reconciliationCSV)
    }

    /// `{"success", "from", "to", "days": [{"date", "orders", "delivered", "failed", "faceValue", "cost"}],
    /// "totals": {…}}` in Algiers days; `cost` is null: the upstream's price at purchase is not recorded.
    @Sendable func stats(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let window = try ReconciliationWindow(
            from: query.get("from").map { String($0) }, to: query.get("to").map { String($0) },
            now: domain.time.now())
        let report = try await figures.report(from: window.from, to: window.to)
        struct Day: Encodable {
            @NullEncoded var date: String?
            let orders, delivered, failed, faceValue: Int
            @NullEncoded var cost: Double?

            init(_ row: BusinessFigures.Row) {
                date = row.date
                orders = row.orders
                delivered = row.delivered
                failed = row.failed
                faceValue = row.faceValue
            }
        }
        struct Body: Encodable {
            let success = true
            let from: String
            let to: String
            let currency = "DZD"
            let days: [Day]
            let totals: Day
        }
        return try ResponseJSON.response(
            Body(
                from: Timestamp.iso8601(window.from), to: Timestamp.iso8601(window.to), days: report.days.map(Day.init),
                totals: Day(report.totals)))
    }

    /// Every order the list's filters select (not only one page), newest first.
    @Sendable func ordersCSV(_ request: Request, context: AppRequestContext) async throws -> Response {
        let search = try OrderSearchQuery.parse(request.uri.queryParameters)
        return Self.csv(try await Self.ordersCSV(search, domain: domain), name: "orders.csv")
    }

    /// The CSV of every order `search` selects (at most ``maxRows``), newest first: the API's export and
    /// the console's (`GET /console/orders.csv`) are this one text.
    static func ordersCSV(_ search: OrderSearch, domain: DomainContext) async throws -> CSVText {
        var search = search
        search.limit = 200
        search.after = nil
        var csv = CSVText(header: [
            "topupId", "topupRef", "userId", "type", "number", "value", "status", "transactionNumber",
            "processedDate", "createdAt", "email", "phone", "cardDelivery",
        ])
        let listing = OrderListing(context: domain)
        var rows = 0
        while rows < maxRows {
            let page = try await listing.page(search)
            for order in page.orders {
                let states = (page.deliveries[order.topupId] ?? []).filter { $0.purpose == .card }.map(\.state.rawValue)
                csv.append([
                    order.topupId.rawValue, order.topupRef, order.userId.rawValue, order.cardType?.rawValue,
                    order.number, order.value.map(String.init), order.status.rawValue, order.transactionNumber,
                    order.processedDate, Timestamp.iso8601(order.createdAt), order.email, order.phone,
                    states.joined(separator: " "),
                ])
            }
            rows += page.orders.count
            guard let next = page.nextCursor, let position = OrderListing.position(next) else { break }
            search.after = position
        }
        return csv
    }

    /// The differences `GET /v1/reconciliation` reports, one per line.
    @Sendable func reconciliationCSV(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let window = try ReconciliationWindow(
            from: query.get("from").map { String($0) }, to: query.get("to").map { String($0) },
            now: domain.time.now())
        let report: Reconciler.Report
        do {
            report = try await reconciler.run(from: window.from, to: window.to)
        } catch let error as UpstreamError {
            context.logger.info("reconciliation failed upstream", metadata: ["error": "\(error)"])
            throw PublicError(.upstreamUnavailable, "OneClickDz did not answer the history; try again shortly")
        }
        return Self.csv(ReconciliationBody.csv(report), name: "reconciliation.csv")
    }

    static func csv(_ csv: CSVText, name: String) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(name)\"",
                .cacheControl: "no-store", .xContentTypeOptions: "nosniff",
            ],
            body: .init(byteBuffer: ByteBuffer(string: csv.text)))
    }
}
