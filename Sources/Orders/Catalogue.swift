import BitaqaCore

/// The upstream catalogue, kept for a while (a minute in `serve`): stock moves, but not by the second, and a shop page
/// should not cost an upstream call per visitor.
public actor Catalogue {
    let client: any InternetUpstream
    let lifetime: Duration
    private var entries: [CardType: (at: ContinuousClock.Instant, products: [Product])] = [:]

    public init(client: any InternetUpstream, lifetime: Duration) {
        self.client = client
        self.lifetime = lifetime
    }

    /// The products of `type`, from the upstream when the last answer is older than the lifetime.
    public func products(_ type: CardType) async throws(UpstreamError) -> [Product] {
        if let entry = entries[type], ContinuousClock.now - entry.at < lifetime {
            return entry.products
        }
        let products = try await client.products(type)
        entries[type] = (.now, products)
        return products
    }
}
