import Foundation

/// Independent decoders for checking what the renderer produced.
enum MIMEDecoding {
    /// Header lines of `message`, unfolded, keyed by lower-cased name (first occurrence).
    static func headers(of message: String) -> [String: String] {
        let head = message.components(separatedBy: "\r\n\r\n")[0]
        let unfolded = head.replacingOccurrences(of: "\r\n ", with: " ").replacingOccurrences(of: "\r\n\t", with: "\t")
        var headers: [String: String] = [:]
        for line in unfolded.components(separatedBy: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            if headers[name] == nil {
                headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return headers
    }

    /// RFC 2047 `=?utf-8?B?...?=` words; white space between adjacent encoded words is dropped.
    static func decodeEncodedWords(_ value: String) -> String? {
        var result = ""
        var previousWasEncoded = false
        for (index, token) in value.split(separator: " ").enumerated() {
            if token.hasPrefix("=?utf-8?B?"), token.hasSuffix("?=") {
                let payload = token.dropFirst(10).dropLast(2)
                guard let data = Data(base64Encoded: String(payload)), let text = String(data: data, encoding: .utf8)
                else {
                    return nil
                }
                if index > 0, !previousWasEncoded {
                    result += " "
                }
                result += text
                previousWasEncoded = true
            } else {
                if index > 0 {
                    result += " "
                }
                result += token
                previousWasEncoded = false
            }
        }
        return result
    }

    /// Quoted-printable body decoding (RFC 2045 section 6.7).
    static func decodeQuotedPrintable(_ lines: [String]) -> String {
        var bytes: [UInt8] = []
        for (index, line) in lines.enumerated() {
            var utf8 = Array(line.utf8)
            let isSoftBreak = utf8.last == UInt8(ascii: "=")
            if isSoftBreak {
                utf8.removeLast()
            }
            var position = 0
            while position < utf8.count {
                if utf8[position] == UInt8(ascii: "="), position + 2 < utf8.count,
                    let value = UInt8(String(decoding: utf8[(position + 1)...(position + 2)], as: UTF8.self), radix: 16)
                {
                    bytes.append(value)
                    position += 3
                } else {
                    bytes.append(utf8[position])
                    position += 1
                }
            }
            if !isSoftBreak, index < lines.count - 1 {
                bytes += Array("\r\n".utf8)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The body lines of the part whose headers contain `contentType`, up to the next boundary.
    static func bodyLines(of message: String, contentType: String) -> (headers: String, lines: [String])? {
        let lines = message.components(separatedBy: "\r\n")
        guard let typeLine = lines.firstIndex(where: { $0.hasPrefix("Content-Type: \(contentType)") }),
            let blank = lines[typeLine...].firstIndex(of: "")
        else {
            return nil
        }
        let body = lines[(blank + 1)...].prefix { !$0.hasPrefix("--=_") }
        let headers = lines[typeLine..<blank].joined(separator: "\r\n")
        return (headers, Array(body))
    }
}
