import BitaqaCore
import Foundation
import Testing

@Suite("CardCode")
struct CardCodeTests {
    static let canary = "987654321098"

    struct Envelope: Encodable {
        let topupId: String
        let code: CardCode
    }

    @Test("no description, mirror, dump, interpolation or encoding shows the code")
    func redacted() throws {
        let code = CardCode(Self.canary)
        var dumped = ""
        dump(code, to: &dumped)
        var dumpedEnvelope = ""
        dump(Envelope(topupId: "t", code: code), to: &dumpedEnvelope)
        let encoded = String(decoding: try JSONEncoder().encode(Envelope(topupId: "t", code: code)), as: UTF8.self)
        let forms = [
            "\(code)", String(describing: code), String(reflecting: code), dumped, dumpedEnvelope, "\([code])",
            "\(Optional(code) as Any)", encoded, "\(Mirror(reflecting: code).children.map { "\($0.value)" })",
        ]
        for form in forms {
            #expect(!form.contains(Self.canary), "leaked in: \(form)")
        }
        #expect(encoded.contains(CardCode.redactedText))
    }

    @Test("the explicit reveal path carries the clear code")
    func reveal() throws {
        struct Response: Encodable { let cardCode: CardCode.Reveal }
        let data = try JSONEncoder().encode(Response(cardCode: CardCode(Self.canary).revealForResponse))
        #expect(String(decoding: data, as: UTF8.self) == #"{"cardCode":"987654321098"}"#)
        #expect(CardCode(Self.canary).revealed == Self.canary)
    }
}
