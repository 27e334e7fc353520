/// Finds an object with the same key twice, anywhere in a JSON document.
///
/// Parsers disagree on duplicates (the first wins in one, the last in another), so a body with one could
/// be checked on one reading and acted on with another. Keys are compared after unescaping, so `"a"`
/// and `"\u0061"` are the same key. Malformed JSON is left to the parser that follows: this only
/// reports duplicates in what it could read.
enum JSONDuplicateKeys {
    static func contains(in bytes: [UInt8]) -> Bool {
        var scanner = Scanner(bytes: bytes)
        return scanner.valueHasDuplicate()
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) {
            self.bytes = bytes
        }

        mutating func valueHasDuplicate() -> Bool {
            skipWhitespace()
            guard index < bytes.count else { return false }
            switch bytes[index] {
            case UInt8(ascii: "{"): return objectHasDuplicate()
            case UInt8(ascii: "["): return arrayHasDuplicate()
            case UInt8(ascii: "\""):
                _ = string()
                return false
            default:
                while index < bytes.count, !isDelimiter(bytes[index]) { index += 1 }
                return false
            }
        }

        private mutating func objectHasDuplicate() -> Bool {
            index += 1
            var keys: Set<String> = []
            while true {
                skipWhitespace()
                guard index < bytes.count else { return false }
                if bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return false
                }
                guard bytes[index] == UInt8(ascii: "\"") else { return false }
                guard keys.insert(string()).inserted else { return true }
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return false }
                index += 1
                if valueHasDuplicate() { return true }
                skipWhitespace()
                guard index < bytes.count else { return false }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                } else if bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return false
                } else {
                    return false
                }
            }
        }

        private mutating func arrayHasDuplicate() -> Bool {
            index += 1
            while true {
                skipWhitespace()
                guard index < bytes.count else { return false }
                if bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return false
                }
                if valueHasDuplicate() { return true }
                skipWhitespace()
                guard index < bytes.count else { return false }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                } else {
                    index += 1
                    return false
                }
            }
        }

        /// Reads a string starting at its opening quote and returns it unescaped.
        private mutating func string() -> String {
            index += 1
            var units: [UInt16] = []
            var raw: [UInt8] = []
            func flushRaw() {
                units.append(contentsOf: String(decoding: raw, as: UTF8.self).utf16)
                raw.removeAll()
            }
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                if byte == UInt8(ascii: "\"") { break }
                guard byte == UInt8(ascii: "\\"), index < bytes.count else {
                    raw.append(byte)
                    continue
                }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "u"):
                    flushRaw()
                    guard index + 4 <= bytes.count,
                        let unit = UInt16(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
                    else { continue }
                    units.append(unit)
                    index += 4
                case UInt8(ascii: "n"): raw.append(0x0A)
                case UInt8(ascii: "t"): raw.append(0x09)
                case UInt8(ascii: "r"): raw.append(0x0D)
                case UInt8(ascii: "b"): raw.append(0x08)
                case UInt8(ascii: "f"): raw.append(0x0C)
                default: raw.append(escape)
                }
            }
            flushRaw()
            return String(decoding: units, as: UTF16.self)
        }

        private mutating func skipWhitespace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        private func isDelimiter(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}")
                || [0x20, 0x09, 0x0A, 0x0D].contains(byte)
        }
    }
}
