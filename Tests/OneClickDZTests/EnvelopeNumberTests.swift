import Foundation
import Testing

@testable import OneClickDZ

/// The envelope's number readers on Linux, where a parsed `0` or `1` also passes `is Bool`: a count,
/// a page or a quantity of 1 must read as 1, and only `true`/`false` as no number.
@Suite("Envelope numbers")
struct EnvelopeNumberTests {
    @Test("0 and 1 are numbers; true and false are not")
    func zeroAndOne() throws {
        let object = try #require(
            try JSONSerialization.jsonObject(
                with: Data(#"{"one":1,"zero":0,"price":1.5,"yes":true,"no":false,"text":"7"}"#.utf8))
                as? [String: Any])
        #expect(Envelope.int(object["one"]) == 1)
        #expect(Envelope.int(object["zero"]) == 0)
        #expect(Envelope.double(object["one"]) == 1)
        #expect(Envelope.double(object["price"]) == 1.5)
        #expect(Envelope.string(object["one"]) == "1")
        #expect(Envelope.int(object["text"]) == 7)
        #expect(Envelope.int(object["yes"]) == nil && Envelope.int(object["no"]) == nil)
        #expect(Envelope.double(object["yes"]) == nil && Envelope.string(object["no"]) == nil)
    }
}
