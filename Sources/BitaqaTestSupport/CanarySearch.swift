import Foundation

/// Searches output for canary values (card codes, tokens, keys) in every form they could take:
/// ASCII/UTF-8, UTF-16 in both byte orders, hex in both cases, and base64 at each of the three
/// alignments a value can have inside a longer encoded text.
///
/// Later suites reuse it: run a scenario with known canaries, collect every log line, error body,
/// metrics page, audit row and database file, and require `hits` to be empty.
public struct CanarySearch: Sendable {
    public let canaries: [String: String]

    /// - Parameter canaries: a name for each canary (for the failure message) and its value.
    public init(_ canaries: [String: String]) {
        self.canaries = canaries
    }

    /// Every (canary, encoding, place) found.
    public func hits(in places: [String: [UInt8]]) -> [String] {
        var found: [String] = []
        for (canaryName, value) in canaries.sorted(by: { $0.key < $1.key }) {
            for (encoding, needle) in Self.encodings(of: value) {
                for (place, haystack) in places.sorted(by: { $0.key < $1.key }) where Self.contains(haystack, needle) {
                    found.append("\(canaryName) as \(encoding) in \(place)")
                }
            }
        }
        return found
    }

    /// The byte patterns of `value` worth searching for.
    public static func encodings(of value: String) -> [(String, [UInt8])] {
        let utf8 = Array(value.utf8)
        var result: [(String, [UInt8])] = [
            ("ASCII", utf8),
            ("UTF-16LE", value.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }),
            ("UTF-16BE", value.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }),
            ("hex", Array(utf8.map { String(format: "%02x", $0) }.joined().utf8)),
            ("HEX", Array(utf8.map { String(format: "%02X", $0) }.joined().utf8)),
        ]
        for offset in 0..<3 {
            // Encode behind `offset` filler bytes, then keep only the characters that depend on the
            // value alone, so the pattern matches wherever the value sits in a longer base64 text.
            let encoded = Array(Data(Array(repeating: 0, count: offset) + utf8).base64EncodedString().utf8)
            let skip = (offset * 8 + 5) / 6
            let stable = encoded.dropFirst(skip).dropLast(4)
            if stable.count >= 8 { result.append(("base64+\(offset)", Array(stable))) }
        }
        return result
    }

    /// `memchr` to each place where the first byte occurs, then `memcmp`: C's loops, since a debug build's
    /// byte loop takes minutes over a database of 10,000 orders and its write-ahead log.
    public static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, needle.count <= haystack.count else { return false }
        return haystack.withUnsafeBytes { hay in
            needle.withUnsafeBytes { pin in
                guard let base = hay.baseAddress, let pinBase = pin.baseAddress else { return false }
                var offset = 0
                let last = hay.count - pin.count
                while offset <= last {
                    guard let found = memchr(base + offset, Int32(first), last - offset + 1) else { return false }
                    offset = base.distance(to: UnsafeRawPointer(found))
                    if memcmp(base + offset, pinBase, pin.count) == 0 { return true }
                    offset += 1
                }
                return false
            }
        }
    }

    /// The bytes of a file and its SQLite companions (`-wal`, `-journal`), when they exist.
    public static func databaseFiles(_ path: String) -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        for suffix in ["", "-wal", "-journal"] {
            if let data = FileManager.default.contents(atPath: path + suffix) {
                files["database file\(suffix)"] = Array(data)
            }
        }
        return files
    }
}
