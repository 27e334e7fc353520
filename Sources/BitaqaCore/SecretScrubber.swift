import Foundation
import Synchronization

/// The last line of defence for output: replaces known secret values and secret-shaped text with
/// `[redacted]`. Types that redact themselves are the first line; this catches what slips past them
/// (an upstream error message that quotes a header, a URL with a password).
///
/// There is no process-wide instance: the command creates one, hands it to the log handler and to the
/// application, which registers every secret it resolves (configured, generated or derived).
public final class SecretScrubber: Sendable {
    private let values = Mutex<[String]>([])

    public init() {}

    /// Adds a value to scrub wherever it appears. Values shorter than 8 characters are ignored: they
    /// would scrub ordinary words.
    public func register(_ secret: String) {
        guard secret.count >= 8 else { return }
        values.withLock { values in
            guard !values.contains(secret) else { return }
            values.append(secret)
            // Longest first, so a secret that contains another is replaced whole.
            values.sort { $0.count > $1.count }
        }
    }

    /// `text` with every registered value and every secret shape replaced.
    public func scrub(_ text: String) -> String {
        let known = values.withLock { $0 }
        var result = text
        for value in known where result.contains(value) {
            result = result.replacingOccurrences(of: value, with: "[redacted]")
        }
        guard SecretShapes.mayHoldShape(result) else { return result }
        return SecretShapes.redact(result)
    }
}

/// The shapes of secrets in free text, matched by hand over UTF-8 (every delimiter is ASCII, so a
/// replacement never splits a character): bearer credentials, JSON Web Tokens, passwords in URLs and
/// runs of 12 or more digits (the shape of a recharge card code).
enum SecretShapes {
    /// A cheap pre-check that skips the scans for most log lines.
    static func mayHoldShape(_ text: String) -> Bool {
        var digitRun = 0
        for byte in text.utf8 {
            if isDigit(byte) {
                digitRun += 1
                if digitRun >= 12 { return true }
            } else {
                digitRun = 0
            }
        }
        return text.contains("eyJ") || text.contains("@") || text.range(of: "bearer", options: .caseInsensitive) != nil
    }

    static func redact(_ text: String) -> String {
        var bytes = Array(text.utf8)
        bytes = replace(bytes, matching: bearer)
        bytes = replace(bytes, matching: jsonWebToken)
        bytes = replace(bytes, matching: urlPassword)
        bytes = replace(bytes, matching: digitRun)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A matcher looks at `bytes` from `start`; on a match it returns where the match ends and what replaces it.
    typealias Matcher = ([UInt8], Int) -> (end: Int, replacement: [UInt8])?

    /// Replaces every leftmost, non-overlapping match.
    static func replace(_ bytes: [UInt8], matching matcher: Matcher) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if let match = matcher(bytes, index) {
                output.append(contentsOf: match.replacement)
                index = match.end
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return output
    }

    /// `bearer` (any case), whitespace, then token characters.
    static func bearer(_ bytes: [UInt8], _ start: Int) -> (end: Int, replacement: [UInt8])? {
        let word = Array("bearer".utf8)
        guard start + word.count < bytes.count else { return nil }
        for offset in 0..<word.count where lowercased(bytes[start + offset]) != word[offset] { return nil }
        let tokenStart = skip(bytes, from: start + word.count, while: isWhitespace)
        guard tokenStart > start + word.count else { return nil }
        let end = skip(bytes, from: tokenStart, while: isTokenCharacter)
        guard end > tokenStart else { return nil }
        return (end, Array("Bearer [redacted]".utf8))
    }

    /// `eyJ…` `.` `…` `.` `…` in base64url.
    static func jsonWebToken(_ bytes: [UInt8], _ start: Int) -> (end: Int, replacement: [UInt8])? {
        let prefix = Array("eyJ".utf8)
        guard start + prefix.count < bytes.count, Array(bytes[start..<start + prefix.count]) == prefix else {
            return nil
        }
        let headerEnd = skip(bytes, from: start + prefix.count, while: isBase64URL)
        guard headerEnd > start + prefix.count, headerEnd < bytes.count, bytes[headerEnd] == UInt8(ascii: ".") else {
            return nil
        }
        let payloadEnd = skip(bytes, from: headerEnd + 1, while: isBase64URL)
        guard payloadEnd > headerEnd + 1, payloadEnd < bytes.count, bytes[payloadEnd] == UInt8(ascii: ".") else {
            return nil
        }
        return (skip(bytes, from: payloadEnd + 1, while: isBase64URL), Array("[redacted-jwt]".utf8))
    }

    /// `://user:password@`, keeping the user.
    static func urlPassword(_ bytes: [UInt8], _ start: Int) -> (end: Int, replacement: [UInt8])? {
        let scheme = Array("://".utf8)
        guard start + scheme.count < bytes.count, Array(bytes[start..<start + scheme.count]) == scheme else {
            return nil
        }
        let userStart = start + scheme.count
        let userEnd = skip(bytes, from: userStart) { !isWhitespace($0) && !":/@".utf8.contains($0) }
        guard userEnd > userStart, userEnd < bytes.count, bytes[userEnd] == UInt8(ascii: ":") else { return nil }
        let passwordEnd = skip(bytes, from: userEnd + 1) { !isWhitespace($0) && !"@/".utf8.contains($0) }
        guard passwordEnd > userEnd + 1, passwordEnd < bytes.count, bytes[passwordEnd] == UInt8(ascii: "@") else {
            return nil
        }
        return (passwordEnd + 1, scheme + bytes[userStart..<userEnd] + Array(":[redacted]@".utf8))
    }

    /// Twelve or more digits.
    static func digitRun(_ bytes: [UInt8], _ start: Int) -> (end: Int, replacement: [UInt8])? {
        let end = skip(bytes, from: start, while: isDigit)
        guard end - start >= 12 else { return nil }
        return (end, Array("[redacted-digits]".utf8))
    }

    private static func skip(_ bytes: [UInt8], from start: Int, while accepts: (UInt8) -> Bool) -> Int {
        var index = start
        while index < bytes.count && accepts(bytes[index]) { index += 1 }
        return index
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    private static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
    private static func lowercased(_ byte: UInt8) -> UInt8 { isLetter(byte) ? byte | 0x20 : byte }
    private static func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
    private static func isBase64URL(_ byte: UInt8) -> Bool {
        isDigit(byte) || isLetter(byte) || byte == 0x2D || byte == 0x5F
    }
    private static func isTokenCharacter(_ byte: UInt8) -> Bool { isBase64URL(byte) || "._~+/=".utf8.contains(byte) }
}
