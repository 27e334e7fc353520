import BitaqaCore
import Testing

@Suite("Domain values")
struct DomainValueTests {
    @Test(
        "topup ids accept upstream shapes and refuse unsafe ones",
        arguments: [
            ("6740a1b2c3d4e5f6a7b8c9d0", true),
            ("order-42_x.y", true),
            ("", false),
            ("has space", false),
            ("a/b", false),
            ("é", false),
            (String(repeating: "x", count: 128), true),
            (String(repeating: "x", count: 129), false),
        ])
    func topupIDs(raw: String, valid: Bool) {
        #expect((TopupID(raw) != nil) == valid)
    }

    @Test(
        "Algerian phone numbers normalise to E.164",
        arguments: [
            ("0551234567", "+213551234567"),
            ("+213551234567", "+213551234567"),
            ("00213 661 23 45 67", "+213661234567"),
            ("213771234567", "+213771234567"),
            ("0231234567", nil),
            ("055123456", nil),
            ("+33612345678", nil),
            ("05512345ab", nil),
        ] as [(String, String?)])
    func phones(raw: String, expected: String?) {
        #expect(ContactRules.normalisedAlgerianPhone(raw) == expected)
    }

    @Test(
        "e-mail addresses",
        arguments: [
            ("buyer@shop.dz", true),
            ("a.b+c@mail.example.com", true),
            ("no-at.example.com", false),
            ("two@@example.com", false),
            ("a@localhost", false),
            ("a b@example.com", false),
            ("a@example.com\r\nBcc: x@y.z", false),
            ("<a@example.com>", false),
        ])
    func emails(raw: String, valid: Bool) {
        #expect(ContactRules.isValidEmail(raw) == valid)
    }

    @Test("card types read the upstream's spellings")
    func cardTypes() {
        #expect(CardType(upstream: "ADSL") == .adsl)
        #expect(CardType(upstream: "4GLTE") == .fourG)
        #expect(CardType(upstream: "4g") == .fourG)
        #expect(CardType(upstream: "FIBRE") == nil)
    }

    @Test("every public error code has a client or server status")
    func errorStatuses() {
        for code in PublicErrorCode.allCases {
            #expect((400...599).contains(code.httpStatus))
        }
        #expect(PublicErrorCode.orderNotFound.httpStatus == 404)
        #expect(PublicErrorCode.rateLimited.httpStatus == 429)
    }
}
