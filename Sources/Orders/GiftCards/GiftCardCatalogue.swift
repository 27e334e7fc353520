import BitaqaCore

/// The gift-card catalogue and products, cached as the upstream's guide asks: the catalogue (which
/// products exist) for minutes, a product's types (price and stock) for under a minute, so a placement
/// checks stock that is seconds old and a busy shop does not ask the upstream on every request.
public actor GiftCardCatalogue {
    let upstream: any GiftCardUpstream
    let catalogueLifetime: Duration
    let productLifetime: Duration
    private var catalogue: (value: GiftCardCatalog, at: ContinuousClock.Instant)?
    private var products: [String: (value: GiftCardProduct, at: ContinuousClock.Instant)] = [:]

    public init(
        upstream: any GiftCardUpstream, catalogueLifetime: Duration = .seconds(600),
        productLifetime: Duration = .seconds(30)
    ) {
        self.upstream = upstream
        self.catalogueLifetime = catalogueLifetime
        self.productLifetime = productLifetime
    }

    public func catalog() async throws(UpstreamError) -> GiftCardCatalog {
        if let catalogue, ContinuousClock.now - catalogue.at < catalogueLifetime { return catalogue.value }
        let fresh = try await upstream.catalog()
        catalogue = (fresh, .now)
        return fresh
    }

    public func product(_ productId: String) async throws(UpstreamError) -> GiftCardProduct {
        if let cached = products[productId], ContinuousClock.now - cached.at < productLifetime { return cached.value }
        let fresh = try await upstream.product(productId)
        // Bounded: product ids come from requests, and a cache must not grow with what clients send.
        if products.count >= 500 { products.removeAll() }
        products[productId] = (fresh, .now)
        return fresh
    }

    /// Takes what an order placed out of the cached stock, so the next placement in a burst is checked
    /// against what is left without asking the upstream again (the cache still expires as usual).
    public func took(_ quantity: Int, of typeId: String, in productId: String) {
        guard let cached = products[productId] else { return }
        let types = cached.value.types.map { type in
            type.id == typeId
                ? GiftCardType(id: type.id, name: type.name, price: type.price, stock: max(0, type.stock - quantity))
                : type
        }
        products[productId] = (
            GiftCardProduct(productId: cached.value.productId, title: cached.value.title, types: types), cached.at
        )
    }

    /// Forgets a product's stock, after the upstream said it was out of what the cache showed.
    public func invalidate(_ productId: String) {
        products[productId] = nil
    }
}
