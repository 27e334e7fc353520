import BitaqaCore
import Testing

@Suite("Statuses and amounts in the buyer's language")
struct LocalizedTextTests {
    @Test("amounts as each language writes them")
    func amounts() {
        #expect(DinarAmount.text(1_000, locale: .ar) == "1000\u{00A0}دج")
        #expect(DinarAmount.text(1_000, locale: .fr) == "1\u{202F}000\u{00A0}DA")
        #expect(DinarAmount.text(1_000, locale: .en) == "DZD\u{00A0}1,000")
        #expect(DinarAmount.text(1_000, locale: .fr, plainSpaces: true) == "1 000 DA")
        #expect(DinarAmount.text(500, locale: .en) == "DZD\u{00A0}500")
        #expect(DinarAmount.text(1_234_567, locale: .en, plainSpaces: true) == "DZD 1,234,567")
    }

    @Test("every status has a word in every language, and none is the upstream's code")
    func statuses() {
        for status in OrderStatus.allCases {
            let words = CustomerLocale.allCases.map { status.localized($0) }
            #expect(Set(words).count == 3, "\(status): \(words)")
            #expect(!words.contains(status.rawValue))
        }
    }
}
