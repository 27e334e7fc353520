import BitaqaCore
import BitaqaTestSupport
import Foundation
import Messaging
import Testing

/// What the messages promise: the link-mode email's expiry and warning, the refund notice's honesty
/// about who holds the money, and the Arabic SMS's left-to-right runs.
@Suite("Message wording")
struct WordingTests {
    static let link = "https://shop.dz/cards/TOKEN"
    /// 2026-12-09T10:00:00Z: 11:00 in Algiers.
    static let expiry: Int64 = 1_796_810_400_000

    static func keep(_ locale: CustomerLocale) -> String {
        switch locale {
        case .ar: "احتفظ بهذا الرمز لنفسك"
        case .fr: "Gardez ce code pour vous"
        case .en: "Keep this code to yourself"
        }
    }

    static func doNotForward(_ locale: CustomerLocale) -> String {
        switch locale {
        case .ar: "لا تُعِد توجيه هذه الرسالة"
        case .fr: "ne transférez pas cet e-mail"
        case .en: "do not forward this email"
        }
    }

    @Test(
        "link mode: the email states when the link expires, in Algiers time, and has no keep-the-code sentence",
        arguments: CustomerLocale.allCases)
    func linkExpiry(locale: CustomerLocale) throws {
        let details = TemplateTests.card(.adsl, locale)
        let email = try MessageComposer.card(
            details, channel: .email, recipient: "a@b.dz", link: Self.link, linkExpiresAt: Self.expiry)
        let html = try #require(email.html)
        let expires = locale == .en ? "9 Dec 2026, 11:00 (Algiers time)" : "09/12/2026 11:00"
        for text in [email.text, html] {
            #expect(text.contains(expires), "\(locale): \(text)")
            #expect(!text.contains(Self.keep(locale)), "\(locale): the link-mode email holds no code to keep")
            #expect(text.contains(Self.doNotForward(locale)), "\(locale)")
            #expect(!text.contains("123456789012"))
        }
        #expect(email.text.contains(locale == .fr ? "heure d'Alger" : locale == .ar ? "بتوقيت الجزائر" : "Algiers"))
        // The code mode keeps its warning and says nothing of a link.
        let coded = try MessageComposer.card(details, channel: .email, recipient: "a@b.dz")
        for text in [coded.text, coded.html ?? ""] {
            #expect(text.contains(Self.keep(locale)) && !text.contains(Self.doNotForward(locale)))
            #expect(!text.contains(expires))
        }
    }

    @Test("the link's lifetime is seven days")
    func lifetime() {
        #expect(MessageComposer.cardLinkLifetime == .seconds(7 * 24 * 3_600))
    }

    @Test(
        "the refund notice says the shop was credited, not the buyer, and asks to contact the shop",
        arguments: CustomerLocale.allCases)
    func refundWording(locale: CustomerLocale) throws {
        let facts = OrderFacts(topupId: TopupID("t-1")!, type: .fourG, number: "213665983439", locale: locale)
        let email = try MessageComposer.refundNotice(facts, channel: .email, recipient: "a@b.dz")
        let sms = try MessageComposer.refundNotice(facts, channel: .sms, recipient: "+213551234567")
        let (claims, shop): ([String], String) =
            switch locale {
            case .ar: (["تم استرجاع المبلغ", "واسترجاع المبلغ"], "المتجر")
            case .fr: (["remboursée", "remboursee"], "boutique")
            case .en: (["refunded", "failed"], "shop")
            }
        for text in [email.subject, email.text, email.html ?? "", sms.text] {
            for claim in claims { #expect(!text.contains(claim), "\(locale) still says \(claim): \(text)") }
        }
        for text in [email.text, email.html ?? "", sms.text] {
            #expect(text.contains(shop), "\(locale): \(text)")
        }
        // The longest shop name allowed still fits, whole, within the SMS budget.
        var identity = ShopMessageTests.shop
        identity.name = locale == .ar ? ShopMessageTests.longestArabic : ShopMessageTests.longest
        let named = try MessageComposer.refundNotice(facts, channel: .sms, recipient: "+213551234567", shop: identity)
        #expect(SMSSegments.count(named.text) <= MessageComposer.smsSegmentBudget, "\(named.text)")
        #expect(named.text.hasPrefix(identity.name! + ": "), "\(named.text)")
        if locale != .ar { #expect(SMSSegments.encoding(of: named.text) == .gsm7, "\(named.text)") }
    }

    /// Whether every left-to-right character (Latin letter, digit, `+`, `*`, `#`) lies between U+2066 and
    /// U+2069, with the isolates balanced.
    static func ltrRunsIsolated(_ text: String) -> Bool {
        var depth = 0
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\u{2066}": depth += 1
            case "\u{2069}":
                depth -= 1
                if depth < 0 { return false }
            default:
                if BidiText.isLeftToRight(String(scalar)) && depth == 0 { return false }
            }
        }
        return depth == 0
    }

    @Test(
        "Arabic SMS: *600#, the code and the line number are each isolated left to right", arguments: CardType.allCases)
    func arabicSMSIsolates(type: CardType) throws {
        let card = try MessageComposer.card(TemplateTests.card(type, .ar), channel: .sms, recipient: "+213551234567")
        // The amount (`1000 دج`) is digits then Arabic: a number the bidi algorithm already places right.
        let amount = DinarAmount.text(1_000, locale: .ar, plainSpaces: true)
        #expect(card.text.contains(amount))
        let withoutAmount = card.text.replacingOccurrences(of: amount, with: "")
        #expect(Self.ltrRunsIsolated(withoutAmount), "\(card.text.unicodeScalars.map { String($0) })")
        #expect(card.text.contains("\u{2066}*600#\u{2069}") && card.text.contains("\u{2066}123456789012\u{2069}"))
        #expect(card.text.contains("\u{2066}AT-2025-12345\u{2069}"))
        let refund = try MessageComposer.refundNotice(
            OrderFacts(topupId: TopupID("t-1")!, type: type, number: "213665983439", locale: .ar), channel: .sms,
            recipient: "+213551234567")
        #expect(Self.ltrRunsIsolated(refund.text), "\(refund.text)")
        #expect(refund.text.contains("\u{2066}213665983439\u{2069}"))
        #expect(!Self.ltrRunsIsolated("اطلب *600# الآن"), "the check itself finds a bare run")
    }
}
