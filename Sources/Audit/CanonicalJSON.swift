import Foundation

/// The canonical encoding of an event's details that its hash covers: JSON with sorted keys and no
/// insignificant whitespace, byte for byte what `JSONEncoder` with `.sortedKeys` and
/// `.withoutEscapingSlashes` writes, since every stored hash was computed over that.
///
/// Details written by Bitaqa have identifier keys and plain values, and those are written here
/// directly: `JSONEncoder` costs more than the rest of an audit append. Anything else (a quote, a
/// backslash, a control character, a key outside `[a-z0-9_]`) goes to `JSONEncoder` itself, so the
/// two can never disagree on the cases where their escaping or ordering rules could.
enum CanonicalJSON {
    static func encode(_ details: [String: String]) -> String {
        guard details.allSatisfy({ isPlainKey($0.key) && isPlainValue($0.value) }) else {
            return encodedByFoundation(details)
        }
        var out = "{"
        for (index, key) in details.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
            if index > 0 { out += "," }
            out += "\"" + key + "\":\"" + details[key]! + "\""
        }
        return out + "}"
    }

    static func encodedByFoundation(_ details: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(details), as: UTF8.self)) ?? "{}"
    }

    private static func isPlainKey(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
    }

    private static func isPlainValue(_ value: String) -> Bool {
        value.utf8.allSatisfy { $0 >= 0x20 && $0 != 0x22 && $0 != 0x5C && $0 != 0x7F }
    }
}
