import BitaqaCore
import Foundation
import Testing

@testable import BitaqaHTTP

@Suite("Hand-written card body")
struct JSONWriterTests {
    static let awkward: [Character] = Array(
        "aZ09 -:./\\\"'{}[],\u{0}\u{1}\u{8}\u{9}\u{a}\u{c}\u{d}\u{1f}\u{7f}éعربي\u{2028}😀")

    static func text(_ length: Int) -> String {
        String((0..<length).map { _ in awkward.randomElement()! })
    }

    @Test("the card body is byte for byte what the response encoder writes, awkward text and nulls included")
    func matchesEncoder() throws {
        for round in 0..<2_000 {
            let body = CustomerOrdersController.CardBody(
                topupId: Self.text(8), type: round % 3 == 0 ? nil : Self.text(4),
                number: round % 5 == 0 ? nil : Self.text(10),
                value: round % 7 == 0 ? nil : Int.random(in: -5...100_000),
                cardCode: CardCode(Self.text(16)).revealForResponse,
                transactionNumber: round % 4 == 0 ? nil : Self.text(6),
                processedDate: round % 6 == 0 ? nil : Self.text(19),
                instructions: (0..<Int.random(in: 0...4)).map { _ in Self.text(Int.random(in: 0...30)) }
            )
            let expected = try ResponseJSON.encoder.encode(body)
            #expect(body.json() == Array(expected), "\(String(decoding: expected, as: UTF8.self))")
        }
    }
}
