import BitaqaCore
import Foundation
import Orders

/// `/console/gift-cards/catalog`: OneClickDz's gift-card products by category, each with its region and
/// whether it is on sale, each linking to its page. Never a price: prices are on a product's page.
struct ConsoleGiftCardCatalogueView: ConsoleView {
    struct Product: Sendable {
        let title: String
        let href: String
        /// The region, or `-` for a product sold everywhere.
        let region: String
        /// On sale, or disabled by OneClickDz, in words.
        let saleState: String
    }

    struct Category: Sendable {
        let category: String
        let products: [Product]
    }

    static let template = ConsolePages.Template.giftCardCatalogue
    /// Off: this server has no gift-card line, and the page says so.
    var enabled = true
    var categories: [Category] = []
    var hasCategories = false
    /// The catalogue was read and holds no product.
    var empty = false
    /// Why the catalogue is not shown (OneClickDz did not answer), or the product asked for is not there.
    var error: String?

    init() {}

    init(_ catalog: GiftCardCatalog, locale: CustomerLocale) {
        let words = ConsoleTexts.words(locale)
        categories = catalog.categories.compactMap { category in
            guard !category.products.isEmpty else { return nil }
            return Category(
                category: category.name,
                products: category.products.map {
                    Product(
                        title: $0.title, href: Self.path($0.id),
                        region: $0.region.flatMap { $0.isEmpty ? nil : $0 } ?? "-",
                        saleState: ($0.enabled ? words["gcCatOn"] : words["gcCatOff"]) ?? "")
                })
        }
        hasCategories = !categories.isEmpty
        empty = categories.isEmpty
    }

    /// A product's page: its id is one path segment, whatever it holds.
    static func path(_ productId: String) -> String {
        "/console/gift-cards/catalog/"
            + (productId.addingPercentEncoding(withAllowedCharacters: unreserved) ?? productId)
    }

    /// ASCII letters and digits and `-._~`: everything else is percent-encoded.
    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}

/// `/console/gift-cards/catalog/{productId}`: one product's cards with their face value (the card's name),
/// the shop's cost per card and the stock, and the owner's counter-sale form with what was typed.
struct ConsoleGiftCardProductView: ConsoleView {
    struct Row: Sendable {
        let typeId: String
        let name: String
        /// The shop's cost per card: staff only.
        let cost: String
        /// The stock in words: `50 en stock`, or `épuisé`.
        let stock: String
    }

    struct TypeOption: Sendable {
        let value: String
        let label: String
        let available: Bool
        let selected: Bool
    }

    struct Choice: Sendable {
        let value: String
        let label: String
        let selected: Bool
    }

    struct ChannelBox: Sendable {
        /// The checkbox's field name: one name per channel, as the form decoder refuses a field given twice.
        let field: String
        let label: String
        let checked: Bool
    }

    static let template = ConsolePages.Template.giftCardProduct
    let title: String
    let category: String
    let region: String
    let saleState: String
    /// OneClickDz disabled the product: no sale form.
    let disabled: Bool
    /// The product's cards were read: without them (OneClickDz did not answer), only the error shows.
    let loaded: Bool
    /// Where the sale form posts.
    let action: String
    let rows: [Row]
    let hasTypes: Bool
    let options: [TypeOption]
    let maxQuantity: Int
    let locales: [Choice]
    let channels: [ChannelBox]
    /// The sale section shows: the product has cards and is on sale.
    let canSell: Bool
    /// What was typed, shown back after a refusal.
    let quantity: String
    let userId: String
    let email: String
    let phone: String
    let ref: String
    /// Why the sale was refused, or why the product's cards are not shown, in the console's language.
    var error: String?
    /// The refused sale's page, when OneClickDz refused it after Bitaqa recorded it (`NOT_PLACED`).
    var refusedHref: String?

    /// - Parameters:
    ///   - product: the product's cards; nil when OneClickDz did not answer.
    ///   - listing: the product as the catalogue lists it (region, on sale) and its category, when known.
    init(
        productId: String, product: GiftCardProduct?, listing: (category: String, product: GiftCardListing)?,
        sale: ConsoleGiftCardSale, maxQuantity: Int, availableChannels: Set<DeliveryChannel>, locale: CustomerLocale
    ) {
        let words = ConsoleTexts.words(locale)
        title = product?.title ?? listing?.product.title ?? productId
        category = listing?.category ?? "-"
        region = listing?.product.region.flatMap { $0.isEmpty ? nil : $0 } ?? "-"
        disabled = listing.map { !$0.product.enabled } ?? false
        saleState = listing.map { ($0.product.enabled ? words["gcCatOn"] : words["gcCatOff"]) ?? "" } ?? "-"
        loaded = product != nil
        action = ConsoleGiftCardCatalogueView.path(productId)
        let types = product?.types ?? []
        rows = types.map {
            Row(
                typeId: $0.id, name: $0.name, cost: ConsoleGiftCardView.price($0.price, locale),
                stock: Self.stock($0.stock, words))
        }
        hasTypes = !rows.isEmpty
        options = types.map {
            TypeOption(
                value: $0.id,
                label: "\($0.name) · \(words["cost"] ?? "") \(ConsoleGiftCardView.price($0.price, locale)) · "
                    + Self.stock($0.stock, words),
                available: $0.stock > 0, selected: $0.id == sale.typeId)
        }
        self.maxQuantity = maxQuantity
        locales = [CustomerLocale.fr, .ar, .en].map {
            Choice(value: $0.rawValue, label: ConsoleTexts.languageName($0), selected: $0.rawValue == sale.locale)
        }
        channels = DeliveryChannel.allCases.filter(availableChannels.contains).map {
            ChannelBox(
                field: ConsoleGiftCardSale.field($0), label: ConsoleTerms.channel($0, locale),
                checked: sale.channels.contains($0))
        }
        canSell = hasTypes && !disabled
        quantity = sale.quantity
        userId = sale.userId
        email = sale.email
        phone = sale.phone
        ref = sale.ref
    }

    /// The stock in words: how many cards, or out of stock.
    static func stock(_ count: Int, _ words: [String: String]) -> String {
        guard count > 0 else { return words["outOfStock"] ?? "" }
        return (words["gcCatInStock"] ?? "{n}").replacingOccurrences(of: "{n}", with: String(count))
    }
}
