/// The shop that sold the card, as its buyers know it: named in every message and page, so a buyer
/// never receives "a card" from an unknown address (`BITAQA_SHOP_NAME`, `BITAQA_SHOP_URL`,
/// `BITAQA_SHOP_SUPPORT`, `BITAQA_SHOP_LOGO_URL`).
public struct ShopIdentity: Sendable, Equatable {
    /// The longest name accepted: an SMS keeps it whole in every language within two segments.
    public static let maxNameLength = 24

    public var name: String?
    /// The shop's web site (`https://…`).
    public var url: String?
    /// Where buyers get help: an email address or a phone number.
    public var support: String?
    /// An image shown at the top of the email (`https://…`); mail readers may block it, so the name is
    /// always written beside it.
    public var logoURL: String?

    public init(name: String? = nil, url: String? = nil, support: String? = nil, logoURL: String? = nil) {
        self.name = name
        self.url = url
        self.support = support
        self.logoURL = logoURL
    }

    public static let unnamed = ShopIdentity()
}
