import Foundation
import Testing

@testable import SMTP

@Suite("MIME rendering")
struct MIMEMessageTests {
    private func render(_ email: Email) throws -> String {
        String(decoding: try MIMEMessage.render(email), as: UTF8.self)
    }

    @Test func multipartAlternativeHasTextThenHTMLPart() throws {
        let message = try self.render(Fixtures.email())
        let headers = MIMEDecoding.headers(of: message)
        #expect(headers["mime-version"] == "1.0")
        #expect(headers["message-id"] == "<abc.email.card@bitaqa>")
        #expect(headers["from"] == "Cards <cards@shop.example>")
        #expect(headers["to"] == "Buyer <buyer@example.test>")
        let contentType = try #require(headers["content-type"])
        #expect(contentType.hasPrefix("multipart/alternative;"))
        let boundary = try #require(contentType.components(separatedBy: "boundary=\"").last?.dropLast())
        let text = try #require(message.range(of: "Content-Type: text/plain; charset=utf-8"))
        let html = try #require(message.range(of: "Content-Type: text/html; charset=utf-8"))
        #expect(text.lowerBound < html.lowerBound)
        #expect(message.components(separatedBy: "\r\n--\(boundary)\r\n").count == 3)
        #expect(message.hasSuffix("\r\n--\(boundary)--\r\n"))
        #expect(!message.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(!message.replacingOccurrences(of: "\r\n", with: "").contains("\r"))
    }

    @Test func textOnlyEmailIsASingleTextPart() throws {
        let message = try self.render(Fixtures.email(text: "Just text.", html: nil))
        let headers = MIMEDecoding.headers(of: message)
        #expect(headers["content-type"] == "text/plain; charset=utf-8")
        #expect(headers["content-transfer-encoding"] == "quoted-printable")
        #expect(!message.contains("multipart"))
        #expect(message.hasSuffix("\r\n\r\nJust text.\r\n"))
    }

    @Test func quotedPrintableLinesStayWithin76AndRoundTrip() throws {
        let longLine = String(repeating: "word=value ", count: 40) + "end with space "
        let text = "Short line\n\(longLine)\n" + String(repeating: "x", count: 200) + "\ncafé ok\n"
        let message = try self.render(Fixtures.email(text: text, html: nil))
        let part = try #require(MIMEDecoding.bodyLines(of: message, contentType: "text/plain"))
        #expect(part.headers.contains("Content-Transfer-Encoding: quoted-printable"))
        for line in part.lines {
            #expect(line.utf8.count <= 76, "line too long: \(line)")
            #expect(!line.hasSuffix(" ") && !line.hasSuffix("\t"))
        }
        let expected = text.replacingOccurrences(of: "\n", with: "\r\n")
        #expect(MIMEDecoding.decodeQuotedPrintable(part.lines) == expected)
    }

    @Test func base64LinesStayWithin76AndRoundTrip() throws {
        let html = "<p>" + String(repeating: Fixtures.arabic + " ", count: 30) + "</p>\n<p>\(Fixtures.arabic)</p>"
        let message = try self.render(Fixtures.email(html: html))
        let part = try #require(MIMEDecoding.bodyLines(of: message, contentType: "text/html"))
        #expect(part.headers.contains("Content-Transfer-Encoding: base64"))
        #expect(part.lines.count > 3)
        for line in part.lines {
            #expect(line.utf8.count <= 76)
        }
        let data = try #require(Data(base64Encoded: part.lines.joined()))
        #expect(String(decoding: data, as: UTF8.self) == html.replacingOccurrences(of: "\n", with: "\r\n"))
    }

    @Test func arabicSubjectRoundTripsThroughEncodedWords() throws {
        let subject = Fixtures.arabic + " - " + String(repeating: Fixtures.arabic + " ", count: 6) + "👨‍👩‍👧‍👦"
        let message = try self.render(Fixtures.email(subject: subject))
        let headers = MIMEDecoding.headers(of: message)
        let encoded = try #require(headers["subject"])
        for word in encoded.split(separator: " ") {
            #expect(word.hasPrefix("=?utf-8?B?") && word.hasSuffix("?="))
            #expect(word.utf8.count <= 75)
        }
        #expect(MIMEDecoding.decodeEncodedWords(encoded) == subject)
        #expect(message.unicodeScalars.allSatisfy { $0.isASCII })
    }

    @Test func longHeadersAreFoldedWithinLimits() throws {
        let subject = (1...150).map { "word\($0)" }.joined(separator: " ")
        let recipients = (1...40).map { Mailbox(address: "user\($0)@example.test", name: "Recipient \($0)") }
        let arabicName = Mailbox(address: "ar@example.test", name: String(repeating: Fixtures.arabic, count: 10))
        let message = try self.render(Fixtures.email(subject: subject, to: recipients + [arabicName]))
        let head = message.components(separatedBy: "\r\n\r\n")[0]
        for line in head.components(separatedBy: "\r\n") {
            #expect(line.utf8.count <= 998)
            #expect(line.utf8.count <= 78, "not folded: \(line)")
        }
        let headers = MIMEDecoding.headers(of: message)
        #expect(headers["subject"] == subject)
        let to = try #require(headers["to"])
        #expect(to.hasPrefix("Recipient 1 <user1@example.test>, Recipient 2 <user2@example.test>,"))
        #expect(to.hasSuffix("<ar@example.test>"))
    }

    @Test(arguments: [
        ("Cards Shop", "Cards Shop <a@b.example>"),
        ("Shop, Inc.", "\"Shop, Inc.\" <a@b.example>"),
        ("Say \"hi\"", "\"Say \\\"hi\\\"\" <a@b.example>"),
    ])
    func asciiDisplayNamesAreAtomsOrQuoted(name: String, expected: String) throws {
        let message = try self.render(Fixtures.email(from: Mailbox(address: "a@b.example", name: name)))
        #expect(MIMEDecoding.headers(of: message)["from"] == expected)
    }

    @Test func nonASCIIDisplayNameIsEncoded() throws {
        let message = try self.render(Fixtures.email(to: [Mailbox(address: "a@b.example", name: "متجر البطاقات")]))
        let to = try #require(MIMEDecoding.headers(of: message)["to"])
        #expect(to.hasSuffix(" <a@b.example>"))
        let name = String(to.dropLast(" <a@b.example>".count))
        #expect(MIMEDecoding.decodeEncodedWords(name) == "متجر البطاقات")
    }

    @Test(arguments: [
        (0.0, "Thu, 1 Jan 1970 00:00:00 +0000"),
        (1_764_431_880, "Sat, 29 Nov 2025 15:58:00 +0000"),
        (951_782_400, "Tue, 29 Feb 2000 00:00:00 +0000"),
        (-1, "Wed, 31 Dec 1969 23:59:59 +0000"),
        (4_102_444_800, "Fri, 1 Jan 2100 00:00:00 +0000"),
    ])
    func dateHeaderIsRFC5322(seconds: Double, expected: String) throws {
        var email = Fixtures.email()
        email.date = Date(timeIntervalSince1970: seconds)
        #expect(MIMEDecoding.headers(of: try self.render(email))["date"] == expected)
    }

    enum InjectionField: String, CaseIterable, Sendable {
        case subjectCRLF, subjectLF, fromAddress, toAddress, displayName, messageID
    }

    @Test(arguments: InjectionField.allCases)
    func lineBreaksInHeaderValuesAreRejected(field: InjectionField) throws {
        var email = Fixtures.email()
        switch field {
        case .subjectCRLF: email.subject = "Hello\r\nBcc: victim@example.test"
        case .subjectLF: email.subject = "Hello\nBcc: victim@example.test"
        case .fromAddress: email.from = Mailbox(address: "cards@shop.example\r\nBcc: victim@example.test")
        case .toAddress: email.to = [Mailbox(address: "buyer@example.test\nRCPT TO:<victim@example.test>")]
        case .displayName: email.to = [Mailbox(address: "buyer@example.test", name: "Buyer\r\nBcc: v@example.test")]
        case .messageID: email.messageID = "<id@host>\r\nBcc: victim@example.test"
        }
        let error = #expect(throws: SMTPError.self) { try MIMEMessage.render(email) }
        #expect(error?.kind == .invalidMessage)
        #expect(error?.isPermanent == true)
    }

    @Test func messageIDIsNormalisedOrRejected() throws {
        var email = Fixtures.email(messageID: "abc.email.card@bitaqa")
        #expect(MIMEDecoding.headers(of: try self.render(email))["message-id"] == "<abc.email.card@bitaqa>")
        for invalid in ["no-at-sign", "<a b@c>", "<>", "@host", "ü@host"] {
            email.messageID = invalid
            #expect(throws: SMTPError.self, "\(invalid)") { try MIMEMessage.render(email) }
        }
    }

    @Test func emailWithoutRecipientIsRejected() {
        #expect(throws: SMTPError.self) { try MIMEMessage.render(Fixtures.email(to: [])) }
    }

    @Test func lineStartingWithDotIsLeftForTransportToStuff() throws {
        let rendered = try MIMEMessage.render(Fixtures.email(text: "first\n.hidden\n.\nlast", html: nil))
        let message = String(decoding: rendered, as: UTF8.self)
        #expect(message.contains("\r\n.hidden\r\n.\r\nlast\r\n"))
        let stuffed = String(buffer: DotStuffing.stuff(rendered))
        #expect(stuffed.contains("\r\n..hidden\r\n..\r\nlast\r\n"))
        #expect(stuffed.hasSuffix("last\r\n.\r\n"))
    }

    @Test func renderingIsDeterministic() throws {
        let email = Fixtures.email(subject: Fixtures.arabic, html: "<b>\(Fixtures.arabic)</b>")
        #expect(try MIMEMessage.render(email) == MIMEMessage.render(email))
    }
}
