import BitaqaCore
import BitaqaTestSupport
import Foundation
import Messaging
import Testing

/// Every template in every locale and card type, compared with the files under `Snapshots/`.
/// Run with `BITAQA_RECORD_SNAPSHOTS=1` to write them after a deliberate change, then review the diff.
@Suite("Message templates")
struct TemplateTests {
    static let snapshots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Snapshots")

    static func card(_ type: CardType, _ locale: CustomerLocale) -> CardDetails {
        CardDetails(
            topupId: TopupID("6901616fe9e88196b4eb64b2")!, code: CardCode("123456789012"),
            transactionNumber: "AT-2025-12345",
            processedDate: "2025-10-29T01:05:30.000Z", type: type, number: type == .adsl ? "036362608" : "213665983439",
            value: 1000, locale: locale
        )
    }

    static func assertSnapshot(_ text: String, named name: String) throws {
        let file = snapshots.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["BITAQA_RECORD_SNAPSHOTS"] == "1" {
            try text.write(to: file, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        #expect(text == expected, "\(name) differs from its snapshot")
    }

    @Test("card messages: email subject, text and HTML, and SMS", arguments: CustomerLocale.allCases, CardType.allCases)
    func cardMessages(locale: CustomerLocale, type: CardType) throws {
        let email = try MessageComposer.card(Self.card(type, locale), channel: .email, recipient: "buyer@shop.dz")
        let sms = try MessageComposer.card(Self.card(type, locale), channel: .sms, recipient: "+213551234567")
        let name = "card-\(locale.rawValue)-\(type.rawValue)"
        try Self.assertSnapshot("Subject: \(email.subject)\n\n\(email.text)\n", named: name + ".txt")
        try Self.assertSnapshot(email.html ?? "", named: name + ".html")
        try Self.assertSnapshot(sms.text + "\n", named: name + ".sms")
        for text in [email.text, email.html ?? "", sms.text] {
            #expect(text.contains("123456789012"))
            #expect(text.contains("AT-2025-12345"))
        }
        #expect(email.text.contains("3003") && email.text.contains("*600#"))
        #expect(email.html?.contains(locale == .ar ? #"dir="rtl""# : #"dir="ltr""#) == true)
        #expect(email.text.contains(DinarAmount.text(1_000, locale: locale)))
        // 01:05 UTC is 02:05 in Algiers.
        #expect(email.text.contains("29/10/2025 02:05") || email.text.contains("29 Oct 2025, 02:05"))
        #expect(email.messageID == "6901616fe9e88196b4eb64b2.email.card@bitaqa")
        for step in UsageInstructions.steps(for: type, locale: locale) {
            #expect(email.text.contains(step))
        }
    }

    @Test("refund and queued notices", arguments: CustomerLocale.allCases)
    func notices(locale: CustomerLocale) throws {
        let facts = OrderFacts(topupId: TopupID("t-1")!, type: .fourG, number: "213665983439", locale: locale)
        let refund = try MessageComposer.refundNotice(facts, channel: .email, recipient: "a@b.dz")
        let refundSMS = try MessageComposer.refundNotice(facts, channel: .sms, recipient: "+213551234567")
        let queued = try MessageComposer.queuedNotice(facts, channel: .sms, recipient: "+213551234567")
        try Self.assertSnapshot(
            "Subject: \(refund.subject)\n\n\(refund.text)\n\n\(refund.html ?? "")\n\n\(refundSMS.text)\n\n\(queued.text)\n",
            named: "notices-\(locale.rawValue).txt")
        #expect(refund.messageID == "t-1.email.refund@bitaqa")
        #expect(SMSSegments.count(refundSMS.text) <= 2)
    }

    @Test("link mode puts a link in the email instead of the code, never in the SMS")
    func linkMode() throws {
        let details = Self.card(.adsl, .fr)
        let email = try MessageComposer.card(
            details, channel: .email, recipient: "a@b.dz", link: "https://shop.dz/cards/TOKEN")
        #expect(!email.text.contains("123456789012") && !(email.html ?? "").contains("123456789012"))
        #expect(email.text.contains("https://shop.dz/cards/TOKEN"))
        #expect(email.html?.contains(#"href="https://shop.dz/cards/TOKEN""#) == true)
        let sms = try MessageComposer.card(
            details, channel: .sms, recipient: "+213551234567", link: "https://shop.dz/cards/TOKEN")
        #expect(sms.text.contains("123456789012"))
    }

    @Test("HTML escapes what it shows")
    func escaping() throws {
        var details = Self.card(.adsl, .en)
        details = CardDetails(
            topupId: details.topupId, code: details.code, transactionNumber: "<script>x</script>", processedDate: nil,
            type: .adsl, number: "036362608", value: 1000, locale: .en
        )
        let email = try MessageComposer.card(details, channel: .email, recipient: "a@b.dz")
        #expect(email.html?.contains("<script>") == false)
        #expect(email.html?.contains("&lt;script&gt;") == true)
    }

    @Test("an outgoing message never describes its text")
    func redaction() throws {
        let email = try MessageComposer.card(Self.card(.adsl, .ar), channel: .email, recipient: "a@b.dz")
        var dumped = ""
        dump(email, to: &dumped)
        for form in ["\(email)", String(reflecting: email), dumped] {
            #expect(!form.contains("123456789012"))
        }
    }
}

@Suite("SMS length")
struct SMSLengthTests {
    @Test("GSM-7 and UCS-2 segment counts")
    func counting() {
        #expect(SMSSegments.encoding(of: "Carte ADSL: é à") == .gsm7)
        #expect(SMSSegments.encoding(of: "بطاقة") == .ucs2)
        #expect(SMSSegments.count(String(repeating: "a", count: 160)) == 1)
        #expect(SMSSegments.count(String(repeating: "a", count: 161)) == 2)
        #expect(SMSSegments.count(String(repeating: "€", count: 80)) == 1)
        #expect(SMSSegments.count(String(repeating: "€", count: 81)) == 2)
        #expect(SMSSegments.count(String(repeating: "ب", count: 70)) == 1)
        #expect(SMSSegments.count(String(repeating: "ب", count: 71)) == 2)
        #expect(SMSSegments.count(String(repeating: "ب", count: 134)) == 2)
        #expect(SMSSegments.count(String(repeating: "ب", count: 135)) == 3)
    }

    @Test(
        "a card SMS is at most two segments in every locale, with the longest values",
        arguments: CustomerLocale.allCases, CardType.allCases)
    func cardFits(locale: CustomerLocale, type: CardType) throws {
        let details = CardDetails(
            topupId: TopupID("t")!, code: CardCode("1234567890123456"), transactionNumber: "AT-2025-1234567890",
            processedDate: nil, type: type, number: "213665983439", value: 100000, locale: locale
        )
        let sms = try MessageComposer.card(details, channel: .sms, recipient: "+213551234567")
        #expect(
            SMSSegments.count(sms.text) <= 2,
            "\(locale) \(type): \(sms.text.utf16.count) UTF-16 units, \(SMSSegments.encoding(of: sms.text))")
        if locale != .ar { #expect(SMSSegments.encoding(of: sms.text) == .gsm7, "\(sms.text)") }
    }
}

@Suite("The shop in every message")
struct ShopMessageTests {
    static let shop = ShopIdentity(
        name: "Boutique Ennasr Telecom", url: "https://ennasr.example", support: "+213 555 12 34 56",
        logoURL: "https://ennasr.example/logo.png")
    static let longest = String(repeating: "M", count: ShopIdentity.maxNameLength)
    static let longestArabic = String(repeating: "م", count: ShopIdentity.maxNameLength)

    static func details(_ locale: CustomerLocale, type: CardType = .adsl) -> CardDetails {
        CardDetails(
            topupId: TopupID("t")!, code: CardCode("1234567890123456"), transactionNumber: "AT-2025-1234567890",
            processedDate: "2026-12-02T10:00:00Z", type: type, number: "213665983439", value: 1000, locale: locale)
    }

    @Test(
        "the email names the shop in its subject, sender and text, with the status and amount in the buyer's language",
        arguments: CustomerLocale.allCases)
    func email(locale: CustomerLocale) throws {
        let email = try MessageComposer.card(
            Self.details(locale), channel: .email, recipient: "b@x.dz", shop: Self.shop)
        let html = try #require(email.html)
        #expect(email.senderName == Self.shop.name)
        #expect(email.subject.hasPrefix("Boutique Ennasr Telecom"))
        #expect(email.text.contains("Boutique Ennasr Telecom") && html.contains("Boutique Ennasr Telecom"))
        #expect(html.contains("+213 555 12 34 56") && html.contains("https://ennasr.example"))
        let amount = DinarAmount.text(1_000, locale: locale)
        #expect(email.text.contains(amount) && html.contains(amount), "\(amount)")
        #expect(html.contains(OrderStatus.fulfilled.localized(locale)))
        #expect(!html.contains("FULFILLED") && !html.contains(" DA<") && !html.contains("1000 DA"))
        #expect(html.contains(locale == .ar ? #"dir="rtl""# : #"dir="ltr""#))
        // What mail readers keep: no script, no external style sheet, styles inline.
        #expect(!html.lowercased().contains("<script") && !html.lowercased().contains("<link"))
        #expect(html.contains("style=\"") && html.contains("color-scheme"))
    }

    @Test("without a shop, nothing is left of its placeholders")
    func unnamed() throws {
        let email = try MessageComposer.card(Self.details(.fr), channel: .email, recipient: "b@x.dz")
        #expect(email.senderName == nil)
        #expect(email.subject == "Votre carte de recharge Internet ADSL")
        #expect(!(email.html ?? "").contains("Vendu par"))
    }

    @Test(
        "the SMS names the shop and stays within two segments in every locale, with the longest name allowed",
        arguments: CustomerLocale.allCases, CardType.allCases)
    func sms(locale: CustomerLocale, type: CardType) throws {
        var shop = Self.shop
        shop.name = Self.longest
        let sms = try MessageComposer.card(
            Self.details(locale, type: type), channel: .sms, recipient: "+213551234567", shop: shop)
        #expect(SMSSegments.count(sms.text) <= MessageComposer.smsSegmentBudget, "\(locale): \(sms.text)")
        #expect(sms.text.hasPrefix(Self.longest + ": "), "the whole name: \(sms.text)")
        if locale != .ar { #expect(SMSSegments.encoding(of: sms.text) == .gsm7, "\(sms.text)") }
        // An Arabic name in a French or English SMS changes its alphabet: the name is shortened to fit.
        shop.name = Self.longestArabic
        let arabicName = try MessageComposer.card(
            Self.details(locale, type: type), channel: .sms, recipient: "+213551234567", shop: shop)
        #expect(SMSSegments.count(arabicName.text) <= MessageComposer.smsSegmentBudget, "\(arabicName.text)")
        #expect(arabicName.text.contains("1234567890123456"))
        let refund = try MessageComposer.refundNotice(
            OrderFacts(topupId: TopupID("t")!, type: type, number: "213665983439", locale: locale), channel: .sms,
            recipient: "+213551234567", shop: shop)
        #expect(SMSSegments.count(refund.text) <= MessageComposer.smsSegmentBudget)
    }
}
