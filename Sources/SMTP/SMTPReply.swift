import NIOCore

/// One complete server reply, all lines of a multi-line reply joined.
struct SMTPReply: Sendable, Equatable {
    var code: Int
    /// The text of each line after the code and its separator.
    var lines: [String]
    /// Whether the server had already sent more bytes after this reply when it was decoded. Lock-step SMTP
    /// never does that; after a STARTTLS reply it is the signature of a response injection attack.
    var hasTrailingBytes = false

    var isPositiveCompletion: Bool { (200..<300).contains(self.code) }
    var isNegative: Bool { (400..<600).contains(self.code) }
}

/// Splits replies off a byte stream: `250-first`, `250-more`, ..., `250 last`.
enum SMTPReplyParser {
    /// RFC 5321 allows 512 octets per reply line; more room for lax servers, but bounded.
    static let maximumLineLength = 4096
    static let maximumLineCount = 256

    /// Returns and consumes the first complete reply, or nil when more bytes are needed.
    static func parse(_ buffer: inout ByteBuffer) throws(SMTPError) -> SMTPReply? {
        let view = buffer.readableBytesView
        var lineStart = view.startIndex
        var code: Int?
        var lines: [String] = []
        while lineStart < view.endIndex {
            guard let newline = view[lineStart...].firstIndex(of: UInt8(ascii: "\n")) else {
                if view.endIndex - lineStart > Self.maximumLineLength {
                    throw .protocolViolation("the server sent a reply line longer than \(Self.maximumLineLength) bytes")
                }
                return nil
            }
            var line = view[lineStart..<newline]
            if line.last == UInt8(ascii: "\r") {
                line = line.dropLast()
            }
            guard line.count <= Self.maximumLineLength else {
                throw .protocolViolation("the server sent a reply line longer than \(Self.maximumLineLength) bytes")
            }
            let (lineCode, isLast, text) = try Self.parseLine(line)
            if let code, code != lineCode {
                throw .protocolViolation("the lines of a multi-line reply have different codes")
            }
            code = lineCode
            lines.append(text)
            guard lines.count <= Self.maximumLineCount else {
                throw .protocolViolation("the server sent a reply with more than \(Self.maximumLineCount) lines")
            }
            lineStart = newline + 1
            if isLast {
                buffer.moveReaderIndex(forwardBy: lineStart - view.startIndex)
                return SMTPReply(code: lineCode, lines: lines, hasTrailingBytes: buffer.readableBytes > 0)
            }
        }
        return nil
    }

    private static func parseLine(_ line: ByteBufferView.SubSequence) throws(SMTPError) -> (Int, Bool, String) {
        let bytes = Array(line)
        guard bytes.count >= 3, bytes[0] >= UInt8(ascii: "2"), bytes[0] <= UInt8(ascii: "5"),
            bytes[1...2].allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else {
            throw .protocolViolation("the server sent a line that is not an SMTP reply")
        }
        let code = bytes[0...2].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        if bytes.count == 3 {
            return (code, true, "")
        }
        switch bytes[3] {
        case UInt8(ascii: " "): return (code, true, String(decoding: bytes[4...], as: UTF8.self))
        case UInt8(ascii: "-"): return (code, false, String(decoding: bytes[4...], as: UTF8.self))
        default: throw .protocolViolation("the server sent a line that is not an SMTP reply")
        }
    }
}
