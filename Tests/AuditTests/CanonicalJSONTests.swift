import Foundation
import Testing

@testable import Audit

@Suite("Canonical details encoding")
struct CanonicalJSONTests {
    /// Characters that exercise every rule: identifier bytes, punctuation, slashes, quotes, backslashes,
    /// control characters, DEL, accents, Arabic, U+2028 and an emoji.
    static let alphabet: [Character] = Array(
        "az09_AZ -:./\\\"'{}[],\u{0}\u{1}\u{8}\u{9}\u{a}\u{c}\u{d}\u{1f}\u{7f}éàçعربي\u{2028}😀")
    static let keyAlphabet: [Character] = Array("abcxyz019_")

    @Test("writes exactly what JSONEncoder writes, for plain and awkward details alike")
    func matchesFoundation() {
        var generator = SystemRandomNumberGenerator()
        var plain = 0
        for _ in 0..<5_000 {
            var details: [String: String] = [:]
            for _ in 0..<Int.random(in: 0...6, using: &generator) {
                let awkwardKey = Int.random(in: 0..<10, using: &generator) == 0
                let key = String(
                    (0..<Int.random(in: 1...8, using: &generator)).map { _ in
                        (awkwardKey ? Self.alphabet : Self.keyAlphabet).randomElement(using: &generator)!
                    })
                let awkwardValue = Int.random(in: 0..<4, using: &generator) == 0
                let value = String(
                    (0..<Int.random(in: 0...12, using: &generator)).map { _ in
                        awkwardValue
                            ? Self.alphabet.randomElement(using: &generator)!
                            : Self.alphabet.prefix(13).randomElement(using: &generator)!
                    })
                details[key] = value
            }
            let fast = CanonicalJSON.encode(details)
            #expect(fast == CanonicalJSON.encodedByFoundation(details), "details: \(details)")
            if !fast.contains("\\") { plain += 1 }
        }
        #expect(plain > 1_000)
    }

    @Test("the details of a card view, written by hand, sorted by key")
    func cardView() {
        let details = ["user_agent": "wrk/4.2", "channel": "in-app", "client": "127.0.0.1"]
        #expect(CanonicalJSON.encode(details) == #"{"channel":"in-app","client":"127.0.0.1","user_agent":"wrk/4.2"}"#)
    }
}
