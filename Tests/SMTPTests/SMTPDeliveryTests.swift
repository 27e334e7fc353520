import Foundation
import SMTP
import Testing

/// Successful sessions against aiosmtpd; every message is parsed back by Python's `email` package.
@Suite("Delivery to a real SMTP server", .timeLimit(.minutes(2)))
struct SMTPDeliveryTests {
    @Test func arabicMultipartEmailOverSTARTTLSWithAuth() async throws {
        let certificate = try TestCertificate()
        defer { certificate.remove() }
        let server = try await TestSMTPServer.start(
            ["--mode", "starttls", "--user", "cards@shop.example", "--password", "s3cret:p@ss"]
                + certificate.serverArguments
        )
        defer { server.stop() }
        let client = try Fixtures.client(
            "smtp://cards%40shop.example:s3cret%3Ap%40ss@localhost:\(server.port)",
            caFile: certificate.certificatePath
        )
        let text = "مرحبا،\nرمز \(Fixtures.arabic): 1234-5678\n"
        let html = "<p dir=\"rtl\">مرحبا، رمز <b>\(Fixtures.arabic)</b>: 1234-5678</p>\n"
        let from = Mailbox(address: "cards@shop.example", name: "متجر البطاقات")
        let reply = try await client.send(Fixtures.email(subject: Fixtures.arabic, text: text, html: html, from: from))

        #expect(reply == "2.0.0 Ok: queued as Q0001")
        let message = try #require(try server.messages().first)
        #expect(message.subject == Fixtures.arabic)
        #expect(message.from == "متجر البطاقات <cards@shop.example>")
        #expect(message.to == "Buyer <buyer@example.test>")
        #expect(message.messageId == "<abc.email.card@bitaqa>")
        #expect(message.date == "Sat, 29 Nov 2025 15:58:00 +0000")
        #expect(message.contentType == "multipart/alternative")
        #expect(message.parts.map(\.contentType) == ["text/plain", "text/html"])
        #expect(message.parts.allSatisfy { $0.charset == "utf-8" })
        #expect(message.parts.first?.content.normalisedNewlines == text)
        #expect(message.parts.last?.content.normalisedNewlines == html)
        #expect(message.defects.isEmpty)
        #expect(message.bareLineFeeds == 0)
        #expect(message.maxLineLength <= 998)
        #expect(message.mailFrom == "cards@shop.example")
        #expect(message.rcptTos == ["buyer@example.test"])
        #expect(message.tls && message.authenticated)
        let events = server.events()
        #expect(events.filter { $0.hasPrefix("EHLO client.test") }.map { $0.contains("tls=True") } == [false, true])
        #expect(events.contains("AUTH PLAIN accepted"))
    }

    @Test(arguments: ["PLAIN", "LOGIN"])
    func authenticatesWithTheOfferedMechanism(mechanism: String) async throws {
        let certificate = try TestCertificate()
        defer { certificate.remove() }
        let server = try await TestSMTPServer.start(
            ["--mode", "starttls", "--user", "user", "--password", "pa55", "--auth-mechanism", mechanism]
                + certificate.serverArguments
        )
        defer { server.stop() }
        let client = try Fixtures.client(
            "smtp://user:pa55@localhost:\(server.port)",
            caFile: certificate.certificatePath
        )
        _ = try await client.send(Fixtures.email())
        #expect(server.events().contains("AUTH \(mechanism) accepted"))
        #expect(try server.messages().map(\.authenticated) == [true])
    }

    @Test func implicitTLSWithIPAddressHost() async throws {
        let certificate = try TestCertificate()
        defer { certificate.remove() }
        let server = try await TestSMTPServer.start(
            ["--mode", "implicit", "--user", "user", "--password", "pa55"] + certificate.serverArguments
        )
        defer { server.stop() }
        let client = try Fixtures.client(
            "smtps://user:pa55@127.0.0.1:\(server.port)",
            caFile: certificate.certificatePath
        )
        let reply = try await client.send(Fixtures.email())
        #expect(reply.hasSuffix("Q0001"))
        #expect(try server.messages().map(\.tls) == [true])
        #expect(server.events().contains("AUTH PLAIN accepted"))
    }

    @Test func linesStartingWithDotsArriveIntact() async throws {
        let server = try await TestSMTPServer.start(["--mode", "plain"])
        defer { server.stop() }
        let client = try Fixtures.client("smtp+insecure://127.0.0.1:\(server.port)")
        let text = "first line\n.hidden line\n.\n..two dots\nlast line\n"
        _ = try await client.send(Fixtures.email(text: text, html: "<p>x</p>\n.\n<p>y</p>"))
        let message = try #require(try server.messages().first)
        #expect(message.parts.first?.transferEncoding == "quoted-printable")
        #expect(message.parts.first?.content.normalisedNewlines == text)
        #expect(message.parts.last?.content.normalisedNewlines == "<p>x</p>\n.\n<p>y</p>")
        #expect(try server.rawMessage(1).contains("\r\n.hidden line\r\n.\r\n..two dots\r\n"))
        #expect(!message.tls)
    }

    @Test func insecureSchemeSendsCredentialsOnlyBecauseItWasChosen() async throws {
        let server = try await TestSMTPServer.start(
            ["--mode", "plain", "--user", "user", "--password", "pa55", "--auth-without-tls"]
        )
        defer { server.stop() }
        let client = try Fixtures.client("smtp+insecure://user:pa55@127.0.0.1:\(server.port)")
        _ = try await client.send(Fixtures.email(html: nil))
        let message = try #require(try server.messages().first)
        #expect(message.authenticated && !message.tls)
        #expect(message.contentType == "text/plain")
        #expect(message.parts.first?.content.normalisedNewlines == "Hello,\nhere is your card.\n")
    }

    @Test func severalMessagesShareOneSessionWithRSET() async throws {
        let server = try await TestSMTPServer.start(["--mode", "plain", "--reject", "nobody@example.test"])
        defer { server.stop() }
        let client = try Fixtures.client("smtp+insecure://127.0.0.1:\(server.port)")
        let emails = [
            Fixtures.email(subject: "one", messageID: "<1@test>"),
            Fixtures.email(subject: "rejected", to: [Mailbox(address: "nobody@example.test")], messageID: "<2@test>"),
            Fixtures.email(subject: "bad\r\nBcc: x@example.test", messageID: "<3@test>"),
            Fixtures.email(subject: "four", messageID: "<4@test>"),
        ]
        let results = await client.send(emails)

        #expect(results.count == 4)
        #expect((try? results[0].get()) == "2.0.0 Ok: queued as Q0001")
        #expect(results[1].error?.replyCode == 550)
        #expect(results[2].error?.kind == .invalidMessage)
        #expect((try? results[3].get()) == "2.0.0 Ok: queued as Q0002")
        let messages = try server.messages()
        #expect(messages.map(\.subject) == ["one", "four"])
        #expect(Set(messages.map(\.peerPort)).count == 1)
        let events = server.events()
        #expect(events.filter { $0.hasPrefix("EHLO") }.count == 1)
        #expect(events.filter { $0.hasPrefix("RSET") }.count == 2)
    }

    @Test func fallsBackToHELOWhenEHLOIsUnknown() async throws {
        let server = try await TestSMTPServer.start(["--mode", "raw", "--raw-no-ehlo"])
        defer { server.stop() }
        let client = try Fixtures.client("smtp+insecure://127.0.0.1:\(server.port)")
        let reply = try await client.send(Fixtures.email())
        #expect(reply == "2.0.0 Ok: queued as RAW1")
        let received = try await server.waitForReceived { $0.hasSuffix("QUIT\r\n") }
        #expect(received.hasPrefix("EHLO client.test\r\nHELO client.test\r\nMAIL FROM:<cards@shop.example>\r\n"))
        #expect(received.contains("\r\n.\r\nQUIT\r\n"))
    }

    @Test func nonASCIIAddressUsesSMTPUTF8() async throws {
        let server = try await TestSMTPServer.start(["--mode", "plain"])
        defer { server.stop() }
        let client = try Fixtures.client("smtp+insecure://127.0.0.1:\(server.port)")
        _ = try await client.send(Fixtures.email(to: [Mailbox(address: "مشتري@example.test")]))
        let message = try #require(try server.messages().first)
        #expect(message.rcptTos == ["مشتري@example.test"])
        #expect(message.mailOptions.contains("SMTPUTF8"))
        #expect(message.mailOptions.contains("BODY=8BITMIME"))
    }

    @Test func nonASCIIAddressIsRefusedWithoutSMTPUTF8() async throws {
        let server = try await TestSMTPServer.start(["--mode", "plain", "--no-smtputf8"])
        defer { server.stop() }
        let client = try Fixtures.client("smtp+insecure://127.0.0.1:\(server.port)")
        let error = await Fixtures.sendError(client, Fixtures.email(to: [Mailbox(address: "مشتري@example.test")]))
        #expect(error?.kind == .invalidMessage)
        #expect(error?.isPermanent == true)
        #expect(try server.messages().isEmpty)
    }
}

extension String {
    var normalisedNewlines: String {
        self.replacingOccurrences(of: "\r\n", with: "\n")
    }
}

extension Result {
    var error: Failure? {
        guard case .failure(let error) = self else {
            return nil
        }
        return error
    }
}
