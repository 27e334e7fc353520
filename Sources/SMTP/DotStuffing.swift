import NIOCore

/// SMTP data transparency (RFC 5321 section 4.5.2).
enum DotStuffing {
    /// Doubles a `.` at the start of every line and appends the `CRLF . CRLF` terminator.
    static func stuff(_ message: [UInt8]) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(message.count + message.count / 64 + 5)
        var atLineStart = true
        for byte in message {
            if atLineStart, byte == UInt8(ascii: ".") {
                buffer.writeInteger(UInt8(ascii: "."))
            }
            buffer.writeInteger(byte)
            atLineStart = byte == UInt8(ascii: "\n")
        }
        if !message.isEmpty, message.last != UInt8(ascii: "\n") {
            buffer.writeString("\r\n")
        }
        buffer.writeString(".\r\n")
        return buffer
    }
}
