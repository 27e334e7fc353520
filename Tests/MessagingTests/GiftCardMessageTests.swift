import BitaqaCore
import Foundation
import Messaging
import Testing

/// The gift-card line's messages: every code and serial by email, numbered and escaped; the link
/// instead in link mode; the one code by SMS, or a pointer when several came; the partial note; the
/// refund and not-placed notices; Arabic left-to-right runs.
@Suite("Gift-card messages")
struct GiftCardMessageTests {
    /// The first code holds HTML's special characters, so escaping shows; the second card has no serial.
    static let codes = ["PSNA-1111-&<1>", "PSNB-2222-9K4Q", "PSNC-3333-7T2W"]
    static let serials: [String?] = ["SER-0001", nil, "SER-0003"]
    static let link = "https://bitaqa.example/c/Zx9_k-42"
    /// 2026-12-09T10:00:00Z: 11:00 in Algiers.
    static let expiry: Int64 = 1_796_810_400_000
    static let shop = ShopIdentity(name: "Boutique Ennasr", support: "+213 555 12 34 56")
    static let arabicShop = ShopIdentity(name: "متجر النصر", support: "+213 555 12 34 56")

    static func order(_ locale: CustomerLocale, quantity: Int = 3) -> GiftCardOrderFacts {
        GiftCardOrderFacts(
            orderKey: TopupID("6901616fe9e88196b4eb64c7")!, ref: "CMD-2026-0042", productId: "psn-dz",
            productTitle: "PlayStation Network", typeName: "PSN 1000 DA", quantity: quantity, locale: locale)
    }

    static func delivery(_ locale: CustomerLocale, cards: Int = 3, quantity: Int? = nil) -> GiftCardDelivery {
        GiftCardDelivery(
            order: order(locale, quantity: quantity ?? cards),
            cards: (0..<cards).map { GiftCard(code: CardCode(codes[$0]), serial: serials[$0].map(CardCode.init)) })
    }

    static func shop(for locale: CustomerLocale) -> ShopIdentity { locale == .ar ? arabicShop : shop }

    static func pick(_ locale: CustomerLocale, ar: String, fr: String, en: String) -> String {
        switch locale {
        case .ar: ar
        case .fr: fr
        case .en: en
        }
    }

    /// Whether every left-to-right character (Latin letter, digit, `+`, `*`, `#`, `@`) lies between an
    /// isolate (U+2066, or U+2068 for the shop's name) and U+2069, with the isolates balanced.
    static func ltrRunsIsolated(_ text: String) -> Bool {
        var depth = 0
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\u{2066}", "\u{2067}", "\u{2068}": depth += 1
            case "\u{2069}":
                depth -= 1
                if depth < 0 { return false }
            default:
                if BidiText.isLeftToRight(String(scalar)) && depth == 0 { return false }
            }
        }
        return depth == 0
    }

    static func cardLabel(_ locale: CustomerLocale, _ index: Int) -> String {
        switch locale {
        case .ar: "البطاقة \u{2066}\(index)\u{2069}: الرمز \u{2066}\(codes[index - 1])\u{2069}"
        case .fr: "Carte \(index) : code \(codes[index - 1])"
        case .en: "Card \(index): code \(codes[index - 1])"
        }
    }

    @Test(
        "three cards by email: every code and serial, numbered, in the text and escaped in the HTML",
        arguments: CustomerLocale.allCases)
    func threeCardsByEmail(locale: CustomerLocale) throws {
        let email = try GiftCardMessages.cards(
            Self.delivery(locale), channel: .email, recipient: "buyer@shop.dz", shop: Self.shop(for: locale))
        let html = try #require(email.html)
        for index in 1...3 { #expect(email.text.contains(Self.cardLabel(locale, index)), "\(locale): \(email.text)") }
        #expect(html.contains(">PSNA-1111-&amp;&lt;1&gt;</p>") && !html.contains("&<1>"))
        for code in Self.codes.dropFirst() { #expect(html.contains(">\(code)</p>")) }
        for serial in ["SER-0001", "SER-0003"] {
            #expect(email.text.contains(locale == .ar ? "\u{2066}\(serial)\u{2069}" : serial))
            #expect(html.contains("<bdi dir=\"ltr\">\(serial)</bdi>"))
        }
        // The card without a serial shows no serial label, not an empty one nor another card's.
        let serialLabel = Self.pick(locale, ar: "الرقم التسلسلي", fr: "n° de série", en: "serial number")
        #expect(email.text.components(separatedBy: serialLabel).count == 3, "\(email.text)")
        for index in 1...3 { #expect(html.contains("<bdi dir=\"ltr\">\(index)</bdi></p>")) }
        for text in [email.subject, email.text, html] {
            #expect(text.contains("PlayStation Network"))
        }
        for text in [email.text, html] {
            #expect(text.contains("PSN 1000 DA") && text.contains("CMD-2026-0042"))
        }
        for code in Self.codes + ["SER-0001"] { #expect(!email.subject.contains(code)) }
        #expect(email.messageID == "6901616fe9e88196b4eb64c7.email.gift-cards@bitaqa")
        #expect(email.topupId.rawValue == "6901616fe9e88196b4eb64c7" && email.senderName == Self.shop(for: locale).name)
        #expect(html.contains(locale == .ar ? #"<html lang="ar" dir="rtl">"# : #"dir="ltr""#))
        for step in GiftCardRedemption.steps(for: .playStation, locale: locale) {
            #expect(email.text.contains(locale == .ar ? BidiText.isolatingRuns(step) : step))
            #expect(html.contains(locale == .ar ? BidiText.html(step) : BidiText.escape(step)))
        }
        if locale == .ar {
            #expect(Self.ltrRunsIsolated(email.text), "\(email.text.unicodeScalars.map { String($0) })")
            #expect(Self.ltrRunsIsolated(email.subject), "\(email.subject)")
            #expect(html.contains(#"<bdi dir="ltr">PlayStation Network</bdi>"#))
            #expect(html.contains(#"<bdi dir="ltr">PSN 1000 DA</bdi>"#))
        }
    }

    @Test("link mode: the link and its expiry, no code or serial anywhere", arguments: CustomerLocale.allCases)
    func linkMode(locale: CustomerLocale) throws {
        let email = try GiftCardMessages.cards(
            Self.delivery(locale), channel: .email, recipient: "a@b.dz", link: Self.link, linkExpiresAt: Self.expiry)
        let html = try #require(email.html)
        let sms = try GiftCardMessages.cards(
            Self.delivery(locale, cards: 1), channel: .sms, recipient: "+213551234567", link: Self.link,
            linkExpiresAt: Self.expiry)
        for text in [email.subject, email.text, html, sms.text] {
            for secret in Self.codes + ["SER-0001", "SER-0003", "PSNA-1111-&amp;"] {
                #expect(!text.contains(secret), "\(locale): \(secret) in \(text)")
            }
        }
        let date = locale == .en ? "9 Dec 2026, 11:00" : "09/12/2026 11:00"
        #expect(email.text.contains(locale == .ar ? "\u{2066}\(date)\u{2069} (بتوقيت الجزائر)" : date))
        #expect(html.contains(locale == .ar ? "<bdi dir=\"ltr\">\(date)</bdi> (بتوقيت الجزائر)" : date))
        #expect(email.text.contains(Self.link) && html.contains("href=\"\(Self.link)\""))
        #expect(sms.text.contains(Self.link) && sms.text.contains(date))
        let doNotForward = Self.pick(
            locale, ar: "لا تُعِد توجيه هذه الرسالة", fr: "ne transférez pas cet e-mail", en: "do not forward this email")
        #expect(email.text.contains(doNotForward) && html.contains(doNotForward))
        if locale == .ar { #expect(Self.ltrRunsIsolated(email.text) && Self.ltrRunsIsolated(sms.text)) }
    }

    @Test(
        "an SMS of one card carries its code and serial, isolated in Arabic, within two segments",
        arguments: CustomerLocale.allCases)
    func smsOneCard(locale: CustomerLocale) throws {
        let sms = try GiftCardMessages.cards(
            Self.delivery(locale, cards: 1), channel: .sms, recipient: "+213551234567", shop: Self.shop(for: locale))
        #expect(sms.subject.isEmpty && sms.html == nil && sms.senderName == nil)
        #expect(sms.text.contains(Self.codes[0]) && sms.text.contains("SER-0001"))
        #expect(sms.text.contains("PSN 1000 DA"))
        #expect(sms.messageID == "6901616fe9e88196b4eb64c7.sms.gift-cards@bitaqa")
        #expect(SMSSegments.count(sms.text) <= MessageComposer.smsSegmentBudget, "\(sms.text.utf16.count): \(sms.text)")
        if locale == .ar {
            #expect(
                sms.text.contains("\u{2066}\(Self.codes[0])\u{2069}") && sms.text.contains("\u{2066}SER-0001\u{2069}"))
            #expect(Self.ltrRunsIsolated(sms.text), "\(sms.text.unicodeScalars.map { String($0) })")
            #expect(!Self.ltrRunsIsolated("الرمز *600# الآن"), "the check itself finds a bare run")
        } else {
            #expect(SMSSegments.encoding(of: sms.text) == .gsm7, "\(sms.text)")
        }
    }

    @Test(
        "an SMS of three cards carries no code: the link when given, else a pointer to the email",
        arguments: CustomerLocale.allCases)
    func smsThreeCards(locale: CustomerLocale) throws {
        let pointer = try GiftCardMessages.cards(
            Self.delivery(locale), channel: .sms, recipient: "+213551234567", shop: Self.shop(for: locale))
        let linked = try GiftCardMessages.cards(
            Self.delivery(locale), channel: .sms, recipient: "+213551234567", link: Self.link)
        for text in [pointer.text, linked.text] {
            for secret in Self.codes + ["SER-0001", "SER-0003"] { #expect(!text.contains(secret)) }
            #expect(text.contains("PSN 1000 DA") && text.contains("3"))
        }
        #expect(linked.text.contains(Self.link) && !pointer.text.contains("https://"))
        #expect(pointer.text.contains(Self.pick(locale, ar: "بريدك الإلكتروني", fr: "e-mail", en: "email")))
        #expect(SMSSegments.count(pointer.text) <= MessageComposer.smsSegmentBudget, "\(pointer.text)")
        if locale == .ar { #expect(Self.ltrRunsIsolated(pointer.text) && Self.ltrRunsIsolated(linked.text)) }
    }

    static func partialWords(_ locale: CustomerLocale) -> (count: String, shop: String) {
        switch locale {
        case .ar: ("\u{2066}2\u{2069} من أصل \u{2066}4\u{2069}", "رصيد المتجر لا إليك")
        case .fr: ("2 sur 4", "solde de la boutique, pas à vous")
        case .en: ("2 of 4", "shop's balance, not to you")
        }
    }

    @Test(
        "a partial fill says how many cards came of how many, and that the rest went back to the shop",
        arguments: CustomerLocale.allCases)
    func partialFill(locale: CustomerLocale) throws {
        let delivery = Self.delivery(locale, cards: 2, quantity: 4)
        #expect(delivery.isPartial && delivery.fulfilledQuantity == 2)
        let email = try GiftCardMessages.cards(delivery, channel: .email, recipient: "a@b.dz")
        let html = try #require(email.html)
        let words = Self.partialWords(locale)
        #expect(email.text.contains(words.count) && email.text.contains(words.shop), "\(email.text)")
        let htmlCount = locale == .ar ? #"<bdi dir="ltr">2</bdi> من أصل <bdi dir="ltr">4</bdi>"# : words.count
        #expect(html.contains(htmlCount) && html.contains(words.shop))
        for code in Self.codes.prefix(2) { #expect(email.text.contains(code)) }
        // The one card that came of four goes by SMS with its code and the note.
        let sms = try GiftCardMessages.cards(
            Self.delivery(locale, cards: 1, quantity: 4), channel: .sms, recipient: "+213551234567")
        #expect(sms.text.contains(Self.codes[0]))
        #expect(sms.text.contains(Self.pick(locale, ar: "المتجر", fr: "boutique", en: "shop")))
        #expect(
            sms.text.contains(
                Self.pick(locale, ar: "\u{2066}1\u{2069} من \u{2066}4\u{2069}", fr: "1 sur 4", en: "1 of 4")))
        #expect(SMSSegments.count(sms.text) <= MessageComposer.smsSegmentBudget, "\(sms.text)")
        if locale == .ar { #expect(Self.ltrRunsIsolated(sms.text) && Self.ltrRunsIsolated(email.text)) }
        // A full order has no note.
        let full = try GiftCardMessages.cards(Self.delivery(locale), channel: .email, recipient: "a@b.dz")
        #expect(!full.text.contains(words.shop) && !(full.html ?? "").contains(words.shop))
    }

    @Test(
        "refund and not-placed notices: the order's number and type, no code, the shop to contact",
        arguments: CustomerLocale.allCases)
    func notices(locale: CustomerLocale) throws {
        let order = Self.order(locale, quantity: 4)
        let shop = Self.shop(for: locale)
        let refund = try GiftCardMessages.refundNotice(order, channel: .email, recipient: "a@b.dz", shop: shop)
        let refundSMS = try GiftCardMessages.refundNotice(order, channel: .sms, recipient: "+213551234567", shop: shop)
        let notPlaced = try GiftCardMessages.notPlacedNotice(order, channel: .email, recipient: "a@b.dz", shop: shop)
        let notPlacedSMS = try GiftCardMessages.notPlacedNotice(
            order, channel: .sms, recipient: "+213551234567", shop: shop)
        #expect(refund.messageID == "6901616fe9e88196b4eb64c7.email.gift-refund@bitaqa")
        #expect(notPlacedSMS.messageID == "6901616fe9e88196b4eb64c7.sms.gift-not-placed@bitaqa")
        let (shopWord, again): (String, String) =
            switch locale {
            case .ar: ("المتجر", "سيعيد المتجر")
            case .fr: ("boutique", "passer à nouveau")
            case .en: ("shop", "place it again")
            }
        for message in [refund, refundSMS, notPlaced, notPlacedSMS] {
            for text in [message.subject, message.text, message.html ?? ""] {
                for code in Self.codes { #expect(!text.contains(code)) }
            }
            #expect(message.text.contains("CMD-2026-0042") && message.text.contains("PSN 1000 DA"))
            #expect(message.text.contains(shopWord))
            if message.channel == .sms {
                #expect(SMSSegments.count(message.text) <= MessageComposer.smsSegmentBudget, "\(message.text)")
            }
            if locale == .ar { #expect(Self.ltrRunsIsolated(message.text), "\(message.text)") }
        }
        #expect(refund.html?.contains(#"<bdi dir="ltr">CMD-2026-0042</bdi>"#) == true)
        #expect(notPlaced.text.contains(again) && notPlaced.html?.contains(again) == true)
        #expect(notPlacedSMS.text.contains(locale == .fr ? "repasser" : again))
        #expect(!refund.text.contains(again))
    }

    @Test("a message id holds only a Message-ID's characters, and two keys never share one")
    func messageIDs() throws {
        let key = try #require(TopupID("gc:A.b=1_-"))
        #expect(
            GiftCardMessages.messageID(key, channel: .sms, purpose: "gift-cards")
                == "gc=3AA=2Eb=3D1_-.sms.gift-cards@bitaqa")
        let order = GiftCardOrderFacts(
            orderKey: key, ref: "A.b=1_-", productId: "p", productTitle: "T", typeName: "N", quantity: 1, locale: .fr)
        let notice = try GiftCardMessages.notPlacedNotice(order, channel: .email, recipient: "a@b.dz")
        #expect(notice.messageID == "gc=3AA=2Eb=3D1_-.email.gift-not-placed@bitaqa" && notice.topupId == key)
        #expect(
            GiftCardMessages.messageID(TopupID("gc:a:b")!, channel: .email, purpose: "p")
                != GiftCardMessages.messageID(TopupID("gc:a=3Ab")!, channel: .email, purpose: "p"))
    }

    @Test("an order without cards is refused, never rendered empty")
    func noCards() throws {
        let empty = GiftCardDelivery(order: Self.order(.fr), cards: [])
        #expect(throws: GiftCardMessages.NoCards.self) {
            try GiftCardMessages.cards(empty, channel: .email, recipient: "a@b.dz")
        }
    }

    @Test("HTML escapes the product's names; the message and the delivery never describe a code")
    func escapingAndRedaction() throws {
        let order = GiftCardOrderFacts(
            orderKey: TopupID("k-1")!, ref: "A&B<1>", productId: "x", productTitle: "Tom & Jerry <Gold>",
            typeName: "\"1000\" DA", quantity: 1, locale: .en)
        let delivery = GiftCardDelivery(
            order: order, cards: [GiftCard(code: CardCode("SECRET-CODE-1"), serial: CardCode("SECRET-SERIAL-1"))])
        let email = try GiftCardMessages.cards(delivery, channel: .email, recipient: "a@b.dz")
        let html = try #require(email.html)
        #expect(!html.contains("<Gold>") && html.contains("Tom &amp; Jerry &lt;Gold&gt;"))
        #expect(html.contains("A&amp;B&lt;1&gt;") && html.contains("&quot;1000&quot; DA"))
        #expect(email.text.contains("Tom & Jerry <Gold>"))
        var dumped = ""
        dump(email, to: &dumped)
        dump(delivery, to: &dumped)
        for form in ["\(email)", String(reflecting: email), "\(delivery)", String(reflecting: delivery), dumped] {
            #expect(!form.contains("SECRET-CODE-1") && !form.contains("SECRET-SERIAL-1"), "\(form)")
        }
    }
}
