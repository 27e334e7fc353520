import BitaqaCore
import Testing

@Suite("Secret scrubber")
struct SecretScrubberTests {
    @Test("registered values are replaced wherever they appear, longest first")
    func registered() {
        let scrubber = SecretScrubber()
        scrubber.register("canary-token-123")
        scrubber.register("canary-token-123-longer")
        scrubber.register("short")
        let out = scrubber.scrub("a canary-token-123-longer and canary-token-123 and short")
        #expect(out == "a [redacted] and [redacted] and short")
    }

    @Test(
        "secret shapes are replaced",
        arguments: [
            ("Authorization: Bearer abc.def-ghi", "Authorization: Bearer [redacted]"),
            ("token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl here", "token [redacted-jwt] here"),
            ("postgres://bitaqa:hunter2@db:5432/x", "postgres://bitaqa:[redacted]@db:5432/x"),
            ("card 123456789012 done", "card [redacted-digits] done"),
            ("smtp://user:p%40ss@mail:587", "smtp://user:[redacted]@mail:587"),
        ])
    func shapes(input: String, expected: String) {
        #expect(SecretScrubber().scrub(input) == expected)
    }

    @Test("ordinary text passes unchanged")
    func ordinary() {
        let text = "request route=/v1/orders status=201 duration_ms=1.25 user@example in 2026-11-29"
        #expect(SecretScrubber().scrub(text) == text)
    }
}
