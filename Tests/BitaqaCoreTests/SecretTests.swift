import BitaqaCore
import Testing

@Suite("Secrets never show themselves")
struct SecretTests {
    let canary = "CANARY-secret-7c1f"

    @Test("Secret redacts every textual form")
    func secretRedacts() {
        let secret = Secret(canary)
        var dumped = ""
        dump(secret, to: &dumped)
        let forms = ["\(secret)", String(describing: secret), String(reflecting: secret), dumped, "\([secret])"]
        for form in forms {
            #expect(!form.contains(canary), "leaked in: \(form)")
            #expect(form.contains("redacted"))
        }
        #expect(secret.unsafeRevealed == canary)
    }

    @Test("SecretBytes redacts every textual form")
    func secretBytesRedact() throws {
        let hex = String(repeating: "ab", count: 32)
        let key = try #require(SecretBytes(hex: hex, byteCount: 32))
        var dumped = ""
        dump(key, to: &dumped)
        for form in ["\(key)", String(reflecting: key), dumped, "\(Optional(key) as Any)"] {
            #expect(!form.contains("ab"), "leaked in: \(form)")
            #expect(!form.contains("171"), "leaked bytes in: \(form)")
        }
        #expect(key.unsafeHex == hex)
    }

    @Test("constant-time comparison is correct for equal, different and prefix inputs")
    func constantTimeEquality() {
        let secret = Secret("0123456789abcdef")
        #expect(secret.constantTimeEquals("0123456789abcdef"))
        #expect(!secret.constantTimeEquals("0123456789abcdeF"))
        #expect(!secret.constantTimeEquals("0123456789abcde"))
        #expect(!secret.constantTimeEquals("0123456789abcdef0"))
        #expect(!secret.constantTimeEquals(""))
    }

    @Test(
        "hex keys: wrong length, non-hex and both cases",
        arguments: [
            (String(repeating: "a", count: 63), false),
            (String(repeating: "a", count: 65), false),
            (String(repeating: "g", count: 64), false),
            (String(repeating: "aB", count: 32), true),
        ])
    func hexParsing(input: String, valid: Bool) {
        #expect((SecretBytes(hex: input, byteCount: 32) != nil) == valid)
    }

    @Test("random secrets differ")
    func randomDiffers() {
        let keys = (0..<100).map { _ in SecretBytes.random(count: 32).unsafeHex }
        #expect(Set(keys).count == 100)
        #expect(keys.allSatisfy { $0.count == 64 })
    }
}
