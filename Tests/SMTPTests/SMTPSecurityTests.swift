import Foundation
import SMTP
import Testing

/// TLS, STARTTLS and credential handling against servers that misbehave on purpose.
@Suite("Transport security", .timeLimit(.minutes(2)))
struct SMTPSecurityTests {
    static let canary = "Canary-Pa55word-7f3e"

    /// The forms in which a password could leak: as is, and as AUTH PLAIN and LOGIN would send it.
    static let canaryForms = [
        canary,
        Data(canary.utf8).base64EncodedString(),
        Data("\0user\0\(canary)".utf8).base64EncodedString(),
    ]

    @Test func smtpSchemeRefusesServerWithoutSTARTTLS() async throws {
        let server = try await TestSMTPServer.start(["--mode", "plain"])
        defer { server.stop() }
        let client = try Fixtures.client("smtp://127.0.0.1:\(server.port)")
        let error = try #require(await Fixtures.sendError(client))
        #expect(error.kind == .startTLSUnavailable)
        #expect(error.isPermanent)
        #expect(try server.messages().isEmpty)
    }

    @Test func credentialsAreNeverSentWithoutTLS() async throws {
        let server = try await TestSMTPServer.start(
            ["--mode", "raw", "--raw-extension", "AUTH PLAIN LOGIN", "--raw-extension", "8BITMIME"]
        )
        defer { server.stop() }
        let client = try Fixtures.client("smtp://user:\(Self.canary)@127.0.0.1:\(server.port)")
        let error = try #require(await Fixtures.sendError(client))
        #expect(error.kind == .startTLSUnavailable)
        let received = try await server.waitForReceived { $0.contains("EHLO") }
        #expect(received.hasPrefix("EHLO client.test\r\n"))
        #expect(!received.contains("AUTH"))
        #expect(!received.contains("MAIL"))
        for form in Self.canaryForms {
            #expect(!received.contains(form))
        }
    }

    @Test func startTLSResponseInjectionIsRefused() async throws {
        let server = try await TestSMTPServer.start(["--mode", "raw", "--raw-extension", "STARTTLS", "--raw-inject"])
        defer { server.stop() }
        let client = try Fixtures.client("smtp://user:\(Self.canary)@127.0.0.1:\(server.port)")
        let error = try #require(await Fixtures.sendError(client))
        #expect(error.kind == .startTLSResponseInjection)
        #expect(error.isTemporary)
        // The client must hang up right after the poisoned reply: no TLS handshake, no EHLO, no AUTH.
        _ = try await server.waitForReceived { $0.contains("STARTTLS\r\n") }
        try await Task.sleep(for: .milliseconds(200))
        #expect(server.received() == "EHLO client.test\r\nSTARTTLS\r\n")
    }

    @Test(arguments: ["starttls", "implicit"])
    func untrustedCertificateIsATemporaryTLSFailure(mode: String) async throws {
        let certificate = try TestCertificate()
        defer { certificate.remove() }
        let server = try await TestSMTPServer.start(["--mode", mode] + certificate.serverArguments)
        defer { server.stop() }
        let scheme = mode == "implicit" ? "smtps" : "smtp"
        let untrusting = try Fixtures.client("\(scheme)://localhost:\(server.port)")
        let error = try #require(await Fixtures.sendError(untrusting))
        #expect(error.kind == .tlsFailure)
        #expect(error.isTemporary)
        #expect(try server.messages().isEmpty)

        let trusting = try Fixtures.client("\(scheme)://localhost:\(server.port)", caFile: certificate.certificatePath)
        _ = try await trusting.send(Fixtures.email())
        #expect(try server.messages().map(\.tls) == [true])
    }

    @Test func certificateForAnotherHostIsRefused() async throws {
        let certificate = try TestCertificate(subjectAltName: "DNS:mail.other.test")
        defer { certificate.remove() }
        let server = try await TestSMTPServer.start(["--mode", "starttls"] + certificate.serverArguments)
        defer { server.stop() }
        for host in ["localhost", "127.0.0.1"] {
            let client = try Fixtures.client("smtp://\(host):\(server.port)", caFile: certificate.certificatePath)
            let error = try #require(await Fixtures.sendError(client))
            #expect(error.kind == .tlsFailure, "\(host)")
        }
        #expect(try server.messages().isEmpty)
    }

    @Test func passwordNeverReachesErrorsOrLogs() async throws {
        let server = try await TestSMTPServer.start(
            ["--mode", "raw", "--raw-extension", "AUTH PLAIN", "--raw-auth-echo"]
        )
        defer { server.stop() }
        let logs = LogRecorder()
        let client = try Fixtures.client("smtp+insecure://user:\(Self.canary)@127.0.0.1:\(server.port)", logger: logs)
        let error = try #require(await Fixtures.sendError(client))
        #expect(error.kind == .authenticationFailed)
        #expect(error.replyCode == 535)

        // The server echoed the credentials back; the test only means something if it really did.
        let received = try await server.waitForReceived { $0.contains("AUTH PLAIN") }
        #expect(received.contains(Self.canaryForms[2]))
        let serverText = try #require(error.serverText)
        #expect(serverText.contains("<redacted>"))

        var dumped = ""
        dump(error, to: &dumped)
        let descriptions = ["\(error)", String(reflecting: error), serverText, dumped, "\(client.configuration)"]
        let texts = descriptions + logs.all
        #expect(logs.all.contains { $0.contains("AUTH PLAIN") })
        for text in texts {
            for form in Self.canaryForms {
                #expect(!text.contains(form), "leaked in: \(text)")
            }
        }
    }
}
