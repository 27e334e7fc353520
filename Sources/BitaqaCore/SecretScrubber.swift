import Foundation

/// The last line of defence for output: replaces known secret values and secret-shaped text with
/// `[redacted]`. Types that redact themselves are the first line; this catches what slips past them
/// (an upstream error message that quotes a header, a URL with a password).
public final class SecretScrubber: @unchecked Sendable {
    /// The process's scrubber; startup registers every configured secret with it.
    public static let shared = SecretScrubber()

    private let lock = NSLock()
    private var values: [String] = []

    public init() {}

    /// Adds a value to scrub wherever it appears. Values shorter than 8 characters are ignored: they
    /// would scrub ordinary words.
    public func register(_ secret: String) {
        guard secret.count >= 8 else { return }
        lock.lock()
        defer { lock.unlock() }
        if !values.contains(secret) {
            values.append(secret)
            // Longest first, so a secret that contains another is replaced whole.
            values.sort { $0.count > $1.count }
        }
    }

    /// `text` with every registered value and every secret shape replaced.
    public func scrub(_ text: String) -> String {
        lock.lock()
        let known = values
        lock.unlock()
        var result = text
        for value in known where result.contains(value) {
            result = result.replacingOccurrences(of: value, with: "[redacted]")
        }
        guard Self.mayHoldShape(result) else { return result }
        for (pattern, replacement) in Self.shapes {
            result = result.replacing(pattern) { match in replacement(String(result[match.range])) }
        }
        return result
    }

    /// A cheap pre-check that skips the regular expressions for most log lines.
    private static func mayHoldShape(_ text: String) -> Bool {
        var digitRun = 0
        for byte in text.utf8 {
            if byte >= 0x30 && byte <= 0x39 {
                digitRun += 1
                if digitRun >= 12 { return true }
            } else {
                digitRun = 0
            }
        }
        return text.contains("eyJ") || text.contains("@") || text.range(of: "bearer", options: .caseInsensitive) != nil
    }

    nonisolated(unsafe) private static let shapes: [(Regex<AnyRegexOutput>, (String) -> String)] = [
        // Bearer credentials.
        (try! Regex("(?i)bearer\\s+[A-Za-z0-9._~+/=-]+"), { _ in "Bearer [redacted]" }),
        // JSON Web Tokens.
        (try! Regex("eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*"), { _ in "[redacted-jwt]" }),
        // Passwords in URLs: scheme://user:password@host.
        (try! Regex("://([^:/@\\s]+):[^@\\s/]+@"), { match in
            let user = match.dropFirst(3).prefix { $0 != ":" }
            return "://\(user):[redacted]@"
        }),
        // Runs of 12 or more digits: the shape of a recharge card code.
        (try! Regex("[0-9]{12,}"), { _ in "[redacted-digits]" }),
    ]
}
