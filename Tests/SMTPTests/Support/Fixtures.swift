import Foundation
import SMTP
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

enum Fixtures {
    static let arabic = "بطاقة تعبئة الإنترنت"
    static let sender = Mailbox(address: "cards@shop.example", name: "Cards")
    static let recipient = Mailbox(address: "buyer@example.test", name: "Buyer")

    static func email(
        subject: String = "Your card",
        text: String = "Hello,\nhere is your card.\n",
        html: String? = "<p>Hello,<br>here is your card.</p>",
        from: Mailbox = Fixtures.sender,
        to: [Mailbox] = [Fixtures.recipient],
        messageID: String = "<abc.email.card@bitaqa>"
    ) -> Email {
        Email(
            from: from,
            to: to,
            subject: subject,
            text: text,
            html: html,
            messageID: messageID,
            date: Date(timeIntervalSince1970: 1_764_431_880)
        )
    }

    static func client(
        _ url: String,
        caFile: String? = nil,
        replyTimeout: Duration = .seconds(15),
        logger: LogRecorder? = nil
    ) throws -> SMTPClient {
        let configuration = try SMTPConfiguration(
            url: url,
            caFile: caFile,
            heloName: "client.test",
            connectTimeout: .seconds(5),
            replyTimeout: replyTimeout,
            dataTimeout: .seconds(15)
        )
        return SMTPClient(configuration: configuration, logger: logger?.logger())
    }

    /// The error sending `email` ends with, or a test failure when it succeeds.
    static func sendError(
        _ client: SMTPClient,
        _ email: Email = Fixtures.email(),
        sourceLocation: SourceLocation = #_sourceLocation
    ) async -> SMTPError? {
        do {
            let reply = try await client.send(email)
            Issue.record("expected an SMTPError, got success: \(reply)", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }

    /// A port on which nothing listens, for tests that must fail before or at connecting.
    static func closedPort() throws -> Int {
        #if canImport(Glibc)
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(descriptor, generic, length) == 0 && getsockname(descriptor, generic, &length) == 0
            }
        }
        guard bound else {
            throw TemporaryDirectory.Failure(description: "cannot bind a probe socket")
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
