import NIOCore
import Testing

@testable import SMTP

@Suite("Reply parsing and data transparency")
struct SMTPReplyParserTests {
    @Test func parsesSingleLineReply() throws {
        var buffer = ByteBuffer(string: "220 mx.test ESMTP ready\r\n")
        let reply = try #require(try SMTPReplyParser.parse(&buffer))
        #expect(reply == SMTPReply(code: 220, lines: ["mx.test ESMTP ready"]))
        #expect(buffer.readableBytes == 0)
    }

    @Test func parsesMultiLineReplyAndCapabilities() throws {
        var buffer = ByteBuffer(
            string: "250-mx.test\r\n250-STARTTLS\r\n250-AUTH PLAIN LOGIN\r\n250-AUTH=CRAM-MD5\r\n"
                + "250-8BITMIME\r\n250-SMTPUTF8\r\n250 HELP\r\n"
        )
        let reply = try #require(try SMTPReplyParser.parse(&buffer))
        #expect(reply.code == 250)
        #expect(reply.lines.count == 7)
        #expect(!reply.hasTrailingBytes)
        let capabilities = SMTPCapabilities(ehloReply: reply)
        #expect(capabilities.startTLS && capabilities.smtpUTF8 && capabilities.eightBitMIME)
        #expect(capabilities.authMechanisms == ["PLAIN", "LOGIN", "CRAM-MD5"])
    }

    @Test func waitsForTheLastLineOfAReply() throws {
        var buffer = ByteBuffer(string: "250-mx.test\r\n250-SIZE 100\r\n250 HE")
        #expect(try SMTPReplyParser.parse(&buffer) == nil)
        #expect(buffer.readableBytes == 33)
        buffer.writeString("LP\r\n")
        #expect(try SMTPReplyParser.parse(&buffer)?.lines == ["mx.test", "SIZE 100", "HELP"])
    }

    @Test func flagsBytesSentAfterAReply() throws {
        var buffer = ByteBuffer(string: "220 ready\r\n250 injected\r\n")
        let first = try #require(try SMTPReplyParser.parse(&buffer))
        #expect(first.hasTrailingBytes)
        let second = try #require(try SMTPReplyParser.parse(&buffer))
        #expect(!second.hasTrailingBytes && second.code == 250)
    }

    @Test(arguments: ["hello\r\n", "25\r\n", "250x\r\n", "250-a\r\n251 b\r\n", "199 one\r\n", "650 six\r\n"])
    func rejectsMalformedReplies(text: String) {
        var buffer = ByteBuffer(string: text)
        let error = #expect(throws: SMTPError.self) { try SMTPReplyParser.parse(&buffer) }
        #expect(error?.kind == .protocolViolation)
    }

    @Test func rejectsEndlessLines() {
        var buffer = ByteBuffer(string: "250 " + String(repeating: "x", count: 5000))
        #expect(throws: SMTPError.self) { try SMTPReplyParser.parse(&buffer) }
    }

    @Test func acceptsBareLineFeedsAndCodeOnlyLines() throws {
        var buffer = ByteBuffer(string: "250-first\n250\n")
        #expect(try SMTPReplyParser.parse(&buffer)?.lines == ["first", ""])
    }

    @Test func dotStuffingDoublesLeadingDotsAndTerminates() {
        let stuffed = DotStuffing.stuff(Array(".start\r\nmid.dle\r\n.\r\n..two\r\nend".utf8))
        #expect(String(buffer: stuffed) == "..start\r\nmid.dle\r\n..\r\n...two\r\nend\r\n.\r\n")
    }

    @Test func serverTextIsSanitisedRedactedAndTruncated() {
        let text = ServerText(secrets: ["hunter2", "aHVudGVyMg=="])
        let sanitised = text.sanitise(["5.7.8 bad\u{1B}[31m password\ttoo hunter2", "aHVudGVyMg== end"])
        #expect(sanitised == "5.7.8 bad [31m password too <redacted> <redacted> end")
        let long = text.sanitise([String(repeating: "x", count: 500)])
        #expect(long.count == ServerText.maximumLength + 3)
    }
}
