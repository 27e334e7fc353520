import BitaqaCore
import Foundation
import Orders

/// The upstream catalogue, kept for a minute: stock moves, but not by the second, and a shop page
/// should not cost an upstream call per visitor.
actor ProductCache {
    let client: any InternetUpstream
    let lifetime: Duration
    private var entries: [CardType: (at: ContinuousClock.Instant, products: [Product])] = [:]

    init(client: any InternetUpstream, lifetime: Duration = .seconds(60)) {
        self.client = client
        self.lifetime = lifetime
    }

    func products(_ type: CardType) async throws(UpstreamError) -> [Product] {
        if let entry = entries[type], ContinuousClock.now - entry.at < lifetime {
            return entry.products
        }
        let products = try await client.products(type)
        entries[type] = (.now, products)
        return products
    }
}
