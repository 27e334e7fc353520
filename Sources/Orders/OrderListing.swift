import BitaqaCore
import Foundation

/// The merchant's order list (API and console): filtered, newest first, paged by an opaque cursor that
/// names the last order of the page, so every page is an index range, never an OFFSET scan.
public struct OrderListing: Sendable {
    let context: DomainContext

    public init(context: DomainContext) {
        self.context = context
    }

    public struct Page: Sendable {
        public let orders: [OrderRecord]
        public let deliveries: [TopupID: [DeliveryRecord]]
        /// Nil on the last page.
        public let nextCursor: String?
    }

    public func page(_ search: OrderSearch) async throws -> Page {
        var probe = search
        probe.limit = search.limit + 1
        let found = try await context.repositories.orders.search(probe)
        let orders = Array(found.prefix(search.limit))
        let deliveries = try await context.repositories.orders.deliveries(of: orders.map(\.topupId))
        let next = found.count > search.limit ? orders.last.map { Self.cursor($0) } : nil
        return Page(orders: orders, deliveries: deliveries, nextCursor: next)
    }

    /// `createdAt.topupId`, base64url: opaque to clients, meaningful only here.
    public static func cursor(_ order: OrderRecord) -> String {
        Data("\(order.createdAt).\(order.topupId.rawValue)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The position a cursor names; nil for anything this service did not make.
    public static func position(_ cursor: String) -> (createdAt: Int64, topupId: String)? {
        guard cursor.count <= 400 else { return nil }
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8),
            let dot = text.firstIndex(of: "."), let createdAt = Int64(text[..<dot]),
            TopupID(String(text[text.index(after: dot)...])) != nil
        else { return nil }
        return (createdAt, String(text[text.index(after: dot)...]))
    }
}
