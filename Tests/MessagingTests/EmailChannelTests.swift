import BitaqaCore
import BitaqaTestSupport
import Foundation
import Messaging
import Testing

/// The email channel through a real SMTP server: Debian's aiosmtpd with its Maildir handler.
@Suite("Email channel")
struct EmailChannelTests {
    static func freePort() throws -> Int {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [
            "-c", "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])",
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        defer { process.stop() }
        try #require(process.waitForExit(timeout: .seconds(30)), "python3 did not print a free port within 30 s")
        // It exited, so reading to the end of its pipe cannot block.
        return Int(
            String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(
                in: .whitespacesAndNewlines))!
    }

    static func attempt(_ channel: EmailChannel, _ message: OutgoingMessage) async -> String? {
        do {
            return try await channel.send(message)
        } catch {
            return nil
        }
    }

    @Test("a card email arrives as multipart UTF-8 with its stable Message-ID")
    func delivered() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let port = try Self.freePort()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        server.arguments = [
            "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:\(port)", "-c", "aiosmtpd.handlers.Mailbox",
            directory.path + "/maildir",
        ]
        server.environment = ["PATH": "/usr/bin:/bin"]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { server.stop() }
        let channel = try EmailChannel(
            url: Secret("smtp+insecure://127.0.0.1:\(port)"), from: "Cartes <cards@shop.dz>", caFile: nil,
            logger: TestDatabase.quietLogger
        )
        let message = try MessageComposer.card(
            CardDetails(
                topupId: TopupID("6901616fe9e88196b4eb64b2")!, code: CardCode("123456789012"),
                transactionNumber: "AT-2025-12345",
                processedDate: "2025-10-29T01:05:30.000Z", type: .adsl, number: "036362608", value: 1000, locale: .ar
            ),
            channel: .email, recipient: "buyer@shop.dz"
        )
        var providerID: String?
        // The server needs a moment to start listening.
        for _ in 0..<50 where providerID == nil {
            providerID = await Self.attempt(channel, message)
            if providerID == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(providerID?.isEmpty == false)
        let newMail = directory.path + "/maildir/new"
        let files = try FileManager.default.contentsOfDirectory(atPath: newMail)
        #expect(files.count == 1)
        let raw = try String(contentsOfFile: newMail + "/" + files[0], encoding: .utf8)
        #expect(raw.contains("Message-ID: <6901616fe9e88196b4eb64b2.email.card@bitaqa>"))
        #expect(raw.contains("multipart/alternative"))
        #expect(raw.contains("charset=utf-8"))
        #expect(raw.contains("Subject: =?utf-8?"))
        #expect(raw.contains("From: Cartes <cards@shop.dz>"))
    }

    @Test("bad settings are refused without showing the password")
    func settings() {
        #expect(throws: EmailChannel.SettingsError.self) {
            _ = try EmailChannel(
                url: Secret("smtp://u:CANARY-pw@"), from: "a@b.dz", caFile: nil, logger: TestDatabase.quietLogger)
        }
        do {
            _ = try EmailChannel(
                url: Secret("smtp://u:CANARY-pw@mail.shop.dz:587"), from: "not an address", caFile: nil,
                logger: TestDatabase.quietLogger)
        } catch {
            #expect(!"\(error)".contains("CANARY-pw"))
        }
    }
}
