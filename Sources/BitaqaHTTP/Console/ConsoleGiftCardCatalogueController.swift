import BitaqaCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Orders

/// `/console/gift-cards/catalog`: OneClickDz's gift-card catalogue by category, one product's cards with
/// their cost and stock, and the owner's counter sale, placed as `POST /v1/gift-card-orders` places an
/// order (the same checks, the ref as the sale's key, audited with the session's actor and id), then
/// shown on the order's page. A refusal comes back on the product's page in the console's language,
/// with what was typed; OneClickDz not answering is said in words, never JSON.
struct ConsoleGiftCardCatalogueController {
    let support: ConsoleSupport
    let domain: DomainContext
    /// Nil where this server has no gift-card line: the catalogue says so.
    let giftCards: GiftCards?
    /// The channels this process delivers on: the sale form offers only these.
    let availableChannels: Set<DeliveryChannel>

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("gift-cards/catalog", use: catalogue)
        group.get("gift-cards/catalog/{productId}", use: product)
        group.post("gift-cards/catalog/{productId}", use: sell)
    }

    // MARK: - Pages

    @Sendable func catalogue(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await support.signedIn(request) { session in
            try ConsoleSupport.requireRole(session, request, context)
            guard let giftCards else { return off(request, session: session, status: .ok) }
            let locale = ConsoleSupport.locale(request)
            do throws(UpstreamError) {
                let catalog = try await giftCards.catalogue.catalog()
                return support.page(
                    ConsoleGiftCardCatalogueView(catalog, locale: locale), request: request, session: session)
            } catch {
                context.logger.info("gift-card catalogue unavailable", metadata: ["error": "\(error)"])
                var view = ConsoleGiftCardCatalogueView()
                view.error = ConsoleTexts.words(locale)["gcCatUpstream"]
                return support.page(view, request: request, session: session, status: .badGateway)
            }
        }
    }

    @Sendable func product(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await support.signedIn(request) { session in
            try ConsoleSupport.requireRole(session, request, context)
            guard let productId = Self.productId(context) else { return await notFound(request, session: session) }
            let sale = ConsoleGiftCardSale.fresh(
                locale: ConsoleSupport.locale(request), availableChannels: availableChannels)
            return await page(productId, sale: sale, request: request, session: session)
        }
    }

    // MARK: - The sale

    @Sendable func sell(_ request: Request, context: AppRequestContext) async throws -> Response {
        let post = try await support.post(request, context: context, as: ConsoleGiftCardSaleForm.self)
        guard let productId = Self.productId(context) else { return await notFound(request, session: post.session) }
        guard let giftCards else { return off(request, session: post.session, status: .notFound) }
        var sale = ConsoleGiftCardSale(post.form)
        let words = ConsoleTexts.words(ConsoleSupport.locale(request))
        func refused(_ key: String, refusedHref: String? = nil) async -> Response {
            var text = words[key] ?? ""
            if key == "gcCatBadQuantity" {
                text = text.replacingOccurrences(of: "{max}", with: String(giftCards.maxQuantity))
            }
            return await page(
                productId, sale: sale, problem: text, refusedHref: refusedHref, request: request,
                session: post.session, status: .unprocessableContent)
        }
        let placement: GiftCardPlacement.Request
        do throws(ConsoleGiftCardSale.Refusal) {
            placement = try sale.validated(
                productId: productId, maxQuantity: giftCards.maxQuantity, availableChannels: availableChannels)
        } catch {
            if error.key == "gcCatBadRef" && sale.ref.isEmpty { sale.ref = ConsoleGiftCardSale.freshRef() }
            return await refused(error.key)
        }
        // OneClickDz refuses a disabled product's order after Bitaqa recorded it: refused here first.
        if let listing = await listing(productId, in: giftCards), !listing.product.enabled {
            return await refused("gcCatDisabled")
        }
        let repository = domain.repositories.giftCards
        let existed = try await repository.find(ref: placement.ref) != nil
        do {
            let placed = try await giftCards.placement.place(
                placement, by: ConsoleOrdersController.requester(post.session, context), logger: context.logger)
            let notice =
                !placed.created ? "gcCatAgain" : placed.order.status == .placing ? "gcCatPlacing" : "gcCatPlaced"
            return ConsoleSupport.redirect(ConsoleGiftCardView.path(placed.order.details.ref) + "?notice=" + notice)
        } catch let error as PublicError {
            let key = ConsoleGiftCardSale.key(error)
            // Recorded, then refused by OneClickDz (`NOT_PLACED`): the ref is that order's now.
            if !existed, let recorded = try await repository.find(ref: placement.ref) {
                sale.ref = ConsoleGiftCardSale.freshRef()
                return await refused(key, refusedHref: ConsoleGiftCardView.path(recorded.details.ref))
            }
            if error.code == .duplicatedRef { sale.ref = ConsoleGiftCardSale.freshRef() }
            return await refused(key)
        }
    }

    // MARK: - Helpers

    /// The product's page with `sale` in its form: 404 for a product OneClickDz does not have, the error
    /// in words (502) when it did not answer, unless a refusal is already the page's error.
    private func page(
        _ productId: String, sale: ConsoleGiftCardSale, problem: String? = nil, refusedHref: String? = nil,
        request: Request, session: ConsoleSessions.Session, status: HTTPResponse.Status = .ok
    ) async -> Response {
        guard let giftCards else { return off(request, session: session, status: .notFound) }
        let locale = ConsoleSupport.locale(request)
        var product: GiftCardProduct?
        var status = status
        var problem = problem
        do throws(UpstreamError) {
            product = try await giftCards.catalogue.product(productId)
        } catch {
            if error.isNotFound { return await notFound(request, session: session) }
            if problem == nil {
                problem = ConsoleTexts.words(locale)["gcCatUpstream"]
                status = .badGateway
            }
        }
        var view = ConsoleGiftCardProductView(
            productId: productId, product: product, listing: await listing(productId, in: giftCards), sale: sale,
            maxQuantity: giftCards.maxQuantity, availableChannels: availableChannels, locale: locale)
        view.error = problem
        view.refusedHref = refusedHref
        return support.page(view, request: request, session: session, status: status)
    }

    /// The product as the catalogue lists it, and its category; nil when the catalogue does not answer
    /// or does not list it.
    private func listing(_ productId: String, in giftCards: GiftCards) async -> (
        category: String, product: GiftCardListing
    )? {
        guard let catalog = try? await giftCards.catalogue.catalog() else { return nil }
        for category in catalog.categories {
            if let product = category.products.first(where: { $0.id == productId }) {
                return (category.name, product)
            }
        }
        return nil
    }

    /// The path's `{productId}`, decoded; nil for one no product can have.
    private static func productId(_ context: AppRequestContext) -> String? {
        guard let raw = context.parameters.get("productId") else { return nil }
        let decoded = raw.removingPercentEncoding ?? raw
        return (1...100).contains(decoded.count) ? decoded : nil
    }

    /// The console's own 404: the catalogue, saying the product is not there.
    private func notFound(_ request: Request, session: ConsoleSessions.Session) async -> Response {
        let locale = ConsoleSupport.locale(request)
        var view = ConsoleGiftCardCatalogueView()
        if let catalog = try? await giftCards?.catalogue.catalog() {
            view = ConsoleGiftCardCatalogueView(catalog, locale: locale)
            view.empty = false
        }
        view.error = ConsoleTexts.words(locale)["gcCatUnknown"]
        return support.page(view, request: request, session: session, status: .notFound)
    }

    /// The catalogue on a server without gift cards: it says so.
    private func off(_ request: Request, session: ConsoleSessions.Session, status: HTTPResponse.Status) -> Response {
        var view = ConsoleGiftCardCatalogueView()
        view.enabled = false
        return support.page(view, request: request, session: session, status: status)
    }
}
