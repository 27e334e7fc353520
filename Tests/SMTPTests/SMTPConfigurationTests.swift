import Foundation
import Testing

@testable import SMTP

@Suite("Configuration from a URL")
struct SMTPConfigurationTests {
    static let canary = "Canary-Pa55word-7f3e"

    @Test(arguments: [
        ("smtp://mail.example:2525", SMTPConfiguration.Security.startTLS, 2525),
        ("smtp://mail.example", .startTLS, 587),
        ("SMTPS://mail.example", .implicitTLS, 465),
        ("smtp+insecure://mail.example", .insecure, 25),
        ("smtps://mail.example:10465/", .implicitTLS, 10465),
    ])
    func schemeSelectsSecurityAndDefaultPort(url: String, security: SMTPConfiguration.Security, port: Int) throws {
        let configuration = try SMTPConfiguration(url: url)
        #expect(configuration.security == security)
        #expect(configuration.host == "mail.example")
        #expect(configuration.port == port)
        #expect(configuration.username == nil)
        #expect(configuration.connectTimeout == .seconds(10))
        #expect(configuration.replyTimeout == .seconds(30))
        #expect(configuration.dataTimeout > configuration.replyTimeout)
    }

    @Test func userAndPasswordArePercentDecoded() throws {
        let configuration = try SMTPConfiguration(url: "smtp://us%40er:p%40ss%3Aw%2Fd%20%C3%A9@mail.example:587")
        #expect(configuration.username == "us@er")
        #expect(configuration.password == "p@ss:w/d é")
        #expect(configuration.host == "mail.example")
    }

    @Test func unencodedAtSignInPasswordStillFindsTheHost() throws {
        let configuration = try SMTPConfiguration(url: "smtps://user:p@ss@mail.example")
        #expect(configuration.password == "p@ss")
        #expect(configuration.host == "mail.example")
    }

    @Test func ipv6HostInBrackets() throws {
        let configuration = try SMTPConfiguration(url: "smtp+insecure://[::1]:2525")
        #expect(configuration.host == "::1")
        #expect(configuration.port == 2525)
        #expect(configuration.description.contains("[::1]:2525"))
    }

    @Test(arguments: [
        "http://mail.example", "smtp://", "smtp://:25", "smtp://mail.example:0", "smtp://mail.example:65536",
        "smtp://mail.example:abc", "smtp://mail.example/path", "smtp://mail.example?x=1", "mail.example",
        "smtp://u:%zz@mail.example", "smtp://u:%FF@mail.example", "smtp://mail example",
    ])
    func invalidURLsAreRejected(url: String) {
        let error = #expect(throws: SMTPError.self) { try SMTPConfiguration(url: url) }
        #expect(error?.kind == .invalidConfiguration)
        #expect(error?.isPermanent == true)
    }

    @Test func invalidSettingsAreRejected() {
        #expect(throws: SMTPError.self) { try SMTPConfiguration(url: "smtp://h", heloName: "a b") }
        #expect(throws: SMTPError.self) { try SMTPConfiguration(url: "smtp://h", heloName: "a\r\nQUIT") }
        #expect(throws: SMTPError.self) { try SMTPConfiguration(url: "smtp://h", replyTimeout: .zero) }
    }

    @Test func missingOrEmptyCAFileIsRejected() throws {
        let missing = #expect(throws: SMTPError.self) {
            try SMTPConfiguration(url: "smtps://h", caFile: "/nonexistent/ca.pem")
        }
        #expect(missing?.kind == .invalidConfiguration)
        let directory = try TemporaryDirectory.make(prefix: "smtp-ca")
        defer { try? FileManager.default.removeItem(at: directory) }
        let empty = directory.appending(path: "empty.pem")
        try Data().write(to: empty)
        #expect(throws: SMTPError.self) { try SMTPConfiguration(url: "smtps://h", caFile: empty.path) }
    }

    @Test func caFileIsLoaded() throws {
        let certificate = try TestCertificate()
        defer { certificate.remove() }
        let configuration = try SMTPConfiguration(url: "smtps://h", caFile: certificate.certificatePath)
        #expect(configuration.caFile == certificate.certificatePath)
    }

    @Test func descriptionsNeverShowThePassword() throws {
        let configuration = try SMTPConfiguration(url: "smtp://cards%40shop.example:\(Self.canary)@mail.example")
        #expect(
            configuration.description == """
                SMTPConfiguration(smtp://cards@shop.example:<redacted>@mail.example:587, helo: localhost, \
                connectTimeout: 10.0 seconds, replyTimeout: 30.0 seconds, dataTimeout: 600.0 seconds)
                """)
        var dumped = ""
        dump(configuration, to: &dumped)
        for text in [configuration.description, String(reflecting: configuration), "\(configuration)", dumped] {
            #expect(!text.contains(Self.canary))
            #expect(!text.contains(Base64.encode(Self.canary)))
        }
        #expect(dumped.contains("mail.example"))
    }

    @Test func errorsAboutTheURLNeverQuoteIt() {
        for url in ["smtp://u:\(Self.canary)@h:notaport", "smtp://u:\(Self.canary)%zz@h", "ftp://u:\(Self.canary)@h"] {
            let error = #expect(throws: SMTPError.self) { try SMTPConfiguration(url: url) }
            #expect(error.map { !"\($0)".contains(Self.canary) } == true)
        }
    }
}
