import BitaqaTestSupport
import Foundation
import Testing

/// The harness must find what it is meant to find, or its silence means nothing.
@Suite("Canary search finds planted canaries")
struct CanarySearchSelfTests {
    static let canary = "CANARY-7Q2-918273"

    @Test("each encoding, at every base64 alignment", arguments: 0..<3)
    func planted(offset: Int) {
        let search = CanarySearch(["code": Self.canary])
        let prefix = Array(repeating: UInt8(ascii: "x"), count: offset)
        let base64 = Array(Data(prefix + Array(Self.canary.utf8) + [1, 2]).base64EncodedString().utf8)
        let utf16 = Array(Self.canary.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        let hex = Array(Self.canary.utf8.map { String(format: "%02x", $0) }.joined().utf8)
        for (name, bytes) in [
            ("base64", base64), ("utf16", utf16), ("hex", hex), ("plain", Array(("..." + Self.canary + "...").utf8)),
        ] {
            #expect(!search.hits(in: [name: bytes]).isEmpty, "missed \(name) at offset \(offset)")
        }
        #expect(search.hits(in: ["clean": Array("nothing to see here, CANARY-7Q2-91827 almost".utf8)]).isEmpty)
    }
}
