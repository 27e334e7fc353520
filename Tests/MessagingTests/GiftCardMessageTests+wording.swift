import BitaqaCore
import Foundation
import Messaging
import Testing

/// The redemption steps chosen per brand, and every message fully translated and fully rendered.
extension GiftCardMessageTests {
    @Test(
        "the brand is read from the product's id or title, case-insensitively, at the start of a word",
        arguments: [
            ("psn-usa-10", "Gift card", GiftCardBrand.playStation), ("x1", "PlayStation Network", .playStation),
            ("x2", "بطاقة بلايستيشن", .playStation), ("gp-dz", "Google Play Gift Card", .googlePlay),
            ("x3", "NETFLIX 1 mois", .netflix), ("steam-wallet", "Wallet", .steam), ("itunes-us", "Card", .apple),
            ("x4", "Apple Gift Card", .apple), ("x5", "Xbox Game Pass", .xbox),
            ("x6", "Free Fire 100 Diamonds", .freeFire), ("freefire_530", "Diamonds", .freeFire),
            ("x7", "PUBG Mobile UC (Google Play)", .pubg), ("razer-gold", "Razer Gold", .generic),
            ("x8", "Apps Network", .generic), ("", "", .generic),
        ])
    func brand(productId: String, title: String, expected: GiftCardBrand) {
        #expect(GiftCardRedemption.brand(productId: productId, title: title) == expected)
    }

    @Test("every brand has 2 to 4 steps in each language, its own, and the email carries them")
    func redemptionSteps() throws {
        for locale in CustomerLocale.allCases {
            let generic = GiftCardRedemption.steps(for: .generic, locale: locale)
            for brand in GiftCardBrand.allCases {
                let steps = GiftCardRedemption.steps(for: brand, locale: locale)
                #expect((2...4).contains(steps.count), "\(brand) \(locale)")
                #expect(steps.allSatisfy { !$0.isEmpty && !$0.contains("{{") })
                if brand != .generic { #expect(steps != generic, "\(brand) \(locale)") }
            }
            #expect(
                GiftCardRedemption.steps(for: .playStation, locale: locale)
                    != GiftCardRedemption.steps(for: .playStation, locale: locale == .en ? .fr : .en))
            // A product of no known brand gets the generic steps in its message.
            let order = GiftCardOrderFacts(
                orderKey: TopupID("k")!, ref: "R-1", productId: "razer-gold", productTitle: "Razer Gold",
                typeName: "Razer 10 USD", quantity: 1, locale: locale)
            let delivery = GiftCardDelivery(order: order, cards: [GiftCard(code: CardCode("RZ-1"))])
            #expect(delivery.steps == generic)
            let email = try GiftCardMessages.cards(delivery, channel: .email, recipient: "a@b.dz")
            for step in generic {
                #expect(email.text.contains(locale == .ar ? BidiText.isolatingRuns(step) : step))
            }
        }
        #expect(
            GiftCardRedemption.steps(productId: "gp", title: "Google Play", locale: .fr)[2].contains("play.google.com"))
    }

    @Test("isolating the Latin runs of an Arabic step leaves punctuation outside")
    func isolatingRuns() {
        #expect(
            BidiText.isolatingRuns("افتح متجر Google Play، ثم أدخل 25 حرفًا.")
                == "افتح متجر \u{2066}Google Play\u{2069}، ثم أدخل \u{2066}25\u{2069} حرفًا.")
        #expect(
            BidiText.isolatingRuns("ادخل إلى netflix.com/redeem.") == "ادخل إلى \u{2066}netflix.com/redeem\u{2069}.")
    }

    /// Words of the English templates that a French or Arabic message must never hold: a sign of a
    /// sentence left untranslated. Words French shares with English (`code`, `type`, `Store`, `App`,
    /// `Mobile`) and brand names are not among them.
    static let englishWords: Set<String> = [
        "again", "and", "anyone", "account", "arrange", "balance", "bought", "card", "cards", "cancelled", "choose",
        "completed", "confirm", "contact", "could", "credited", "delivered", "do", "email", "enter", "expires", "find",
        "forward", "go", "help", "here", "how", "keep", "link", "need", "not", "number", "of", "only", "open", "order",
        "placed", "please", "private", "product", "quantity", "ready", "redeem", "refund", "region", "see", "serial",
        "shop", "show", "sign", "sorry", "tap", "the", "this", "until", "valid", "wallet", "was", "will", "with",
        "your",
    ]

    /// The English words in `text`: HTML tags, the style sheet and web addresses (`play.google.com/redeem`)
    /// aside.
    static func englishWords(in text: String) -> Set<String> {
        let prose = text.replacingOccurrences(of: "<style>.*?</style>", with: " ", options: .regularExpression)
            .replacingOccurrences(of: "<[^>]+>", with: " ", options: .regularExpression)
        var found = Set<String>()
        for token in prose.split(whereSeparator: \.isWhitespace) {
            let trimmed = token.trimmingCharacters(in: .punctuationCharacters.union(.symbols))
            if trimmed.contains(".") || trimmed.contains("/") { continue }
            for word in trimmed.split(whereSeparator: { !$0.isLetter }) where englishWords.contains(word.lowercased()) {
                found.insert(String(word))
            }
        }
        return found
    }

    /// Every message of the line in `locale`: cards by email (codes, link, partial) and by SMS (one
    /// code, pointer, link, partial), and both notices by email and SMS.
    static func everyMessage(_ locale: CustomerLocale) throws -> [OutgoingMessage] {
        let shop = shop(for: locale)
        let order = order(locale, quantity: 4)
        var messages: [OutgoingMessage] = []
        for delivery in [delivery(locale), delivery(locale, cards: 2, quantity: 4), delivery(locale, cards: 1)] {
            for channel in DeliveryChannel.allCases {
                messages.append(try GiftCardMessages.cards(delivery, channel: channel, recipient: "r", shop: shop))
                messages.append(
                    try GiftCardMessages.cards(
                        delivery, channel: channel, recipient: "r", link: link, linkExpiresAt: expiry, shop: shop))
            }
        }
        for channel in DeliveryChannel.allCases {
            messages.append(try GiftCardMessages.refundNotice(order, channel: channel, recipient: "r", shop: shop))
            messages.append(try GiftCardMessages.notPlacedNotice(order, channel: channel, recipient: "r", shop: shop))
        }
        return messages
    }

    @Test("the French and Arabic messages and steps hold no English word", arguments: [CustomerLocale.fr, .ar])
    func noEnglishLeft(locale: CustomerLocale) throws {
        for message in try Self.everyMessage(locale) {
            for text in [message.subject, message.text, message.html ?? ""] {
                let found = Self.englishWords(in: text)
                #expect(found.isEmpty, "\(locale) \(message.channel) \(message.messageID): \(found) in \(text)")
            }
        }
        for brand in GiftCardBrand.allCases {
            for step in GiftCardRedemption.steps(for: brand, locale: locale) {
                #expect(Self.englishWords(in: step).isEmpty, "\(brand) \(locale): \(step)")
            }
        }
        // The check itself finds an English word, and the English messages are full of them.
        #expect(Self.englishWords(in: "Votre carte is ready") == ["ready"])
        #expect(!Self.englishWords(in: try Self.everyMessage(.en)[0].text).isEmpty)
    }

    @Test("no template leaves a placeholder unrendered, in any language", arguments: CustomerLocale.allCases)
    func fullyRendered(locale: CustomerLocale) throws {
        for message in try Self.everyMessage(locale) {
            // The style sheet's nested blocks end in `}}`: that is CSS, not a placeholder.
            let html = (message.html ?? "").replacingOccurrences(
                of: "<style>.*?</style>", with: "", options: .regularExpression)
            for text in [message.subject, message.text, html] {
                #expect(!text.contains("{{") && !text.contains("}}"), "\(locale) \(message.messageID): \(text)")
            }
            #expect(!message.text.isEmpty && (message.channel == .sms || !message.subject.isEmpty))
        }
    }
}
