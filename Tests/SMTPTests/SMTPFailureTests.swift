import Foundation
import SMTP
import Testing

/// Failures mapped to temporary or permanent outcomes, each produced by a real server or a real socket.
@Suite("Failure classification", .timeLimit(.minutes(2)))
struct SMTPFailureTests {
    @Test func temporaryDataFailureThenRetrySucceeds() async throws {
        let server = try await TestSMTPServer.start(["--mode", "plain", "--fail-data", "1"])
        defer { server.stop() }
        let client = try Fixtures.client("smtp+insecure://127.0.0.1:\(server.port)")

        let error = try #require(await Fixtures.sendError(client))
        #expect(error.kind == .rejected)
        #expect(error.replyCode == 451)
        #expect(error.isTemporary && !error.isPermanent)
        #expect(error.command == "end of data")
        #expect(error.serverText == "4.3.0 temporary failure, try again")
        #expect(try server.messages().isEmpty)

        let reply = try await client.send(Fixtures.email())
        #expect(reply == "2.0.0 Ok: queued as Q0001")
        #expect(try server.messages().count == 1)
    }

    @Test func temporaryRecipientFailureIsTemporary() async throws {
        let server = try await TestSMTPServer.start(["--mode", "plain", "--fail-rcpt", "1"])
        defer { server.stop() }
        let client = try Fixtures.client("smtp+insecure://127.0.0.1:\(server.port)")
        let error = try #require(await Fixtures.sendError(client))
        #expect(error.replyCode == 451 && error.isTemporary && error.command == "RCPT TO")
        _ = try await client.send(Fixtures.email())
        #expect(try server.messages().count == 1)
    }

    @Test func rejectedRecipientIsPermanent() async throws {
        let server = try await TestSMTPServer.start(["--mode", "plain", "--reject", "buyer@example.test"])
        defer { server.stop() }
        let client = try Fixtures.client("smtp+insecure://127.0.0.1:\(server.port)")
        let error = try #require(await Fixtures.sendError(client))
        #expect(error.kind == .rejected)
        #expect(error.replyCode == 550)
        #expect(error.isPermanent && !error.isTemporary)
        #expect(error.command == "RCPT TO")
        #expect(error.serverText == "5.1.1 mailbox unavailable")
        #expect("\(error)".contains("550"))
        #expect(try server.messages().isEmpty)
    }

    @Test func connectionDroppedDuringDataIsTemporary() async throws {
        let server = try await TestSMTPServer.start(["--mode", "plain", "--drop-data"])
        defer { server.stop() }
        let client = try Fixtures.client("smtp+insecure://127.0.0.1:\(server.port)")
        let error = try #require(await Fixtures.sendError(client))
        #expect(error.kind == .connectionClosed)
        #expect(error.isTemporary)
        #expect(error.replyCode == nil)
        #expect(server.events().contains("DATA dropped"))
        #expect(try server.messages().isEmpty)
    }

    @Test func wrongPasswordIsPermanent() async throws {
        let certificate = try TestCertificate()
        defer { certificate.remove() }
        let server = try await TestSMTPServer.start(
            ["--mode", "starttls", "--user", "user", "--password", "right"] + certificate.serverArguments
        )
        defer { server.stop() }
        let client = try Fixtures.client(
            "smtp://user:Wrong-Canary-91@localhost:\(server.port)",
            caFile: certificate.certificatePath
        )
        let error = try #require(await Fixtures.sendError(client))
        #expect(error.kind == .authenticationFailed)
        #expect(error.replyCode == 535)
        #expect(error.isPermanent)
        #expect(!"\(error)".contains("Wrong-Canary-91"))
        #expect(server.events().contains("AUTH PLAIN refused"))
        #expect(try server.messages().isEmpty)
    }

    @Test func silentServerTimesOut() async throws {
        let server = try await TestSMTPServer.start(["--mode", "raw", "--raw-silent"])
        defer { server.stop() }
        let client = try Fixtures.client("smtp+insecure://127.0.0.1:\(server.port)", replyTimeout: .milliseconds(300))
        let started = ContinuousClock.now
        let error = try #require(await Fixtures.sendError(client))
        #expect(error.kind == .timeout)
        #expect(error.isTemporary)
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test func refusedConnectionIsTemporary() async throws {
        let client = try Fixtures.client("smtp+insecure://127.0.0.1:\(try Fixtures.closedPort())")
        let error = try #require(await Fixtures.sendError(client))
        #expect(error.kind == .connectionFailed)
        #expect(error.isTemporary)
    }

    @Test(arguments: [
        Fixtures.email(subject: "Hi\r\nBcc: victim@example.test"),
        Fixtures.email(to: [Mailbox(address: "buyer@example.test\r\nRCPT TO:<victim@example.test>")]),
        Fixtures.email(from: Mailbox(address: "cards@shop.example", name: "Cards\nBcc: victim@example.test")),
    ])
    func headerInjectionIsRejectedBeforeConnecting(email: Email) async throws {
        // Nothing listens on this port: reaching the network would fail with connectionFailed instead.
        let client = try Fixtures.client("smtp+insecure://127.0.0.1:\(try Fixtures.closedPort())")
        let error = try #require(await Fixtures.sendError(client, email))
        #expect(error.kind == .invalidMessage)
        #expect(error.isPermanent)
    }
}
