import Logging
import NIOCore
import NIOPosix

/// Sends emails to one SMTP server, one session per call.
public struct SMTPClient: Sendable {
    /// The server and how to reach it.
    public let configuration: SMTPConfiguration
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger

    /// Creates a client; no connection is made until something is sent.
    ///
    /// - Parameter logger: Receives connection events and reply codes at debug level; never message content,
    ///   AUTH payloads or the password.
    public init(
        configuration: SMTPConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger? = nil
    ) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger ?? Logger(label: "smtp", factory: { _ in SwiftLogNoOpLogHandler() })
    }

    /// Connects, greets, upgrades to TLS and authenticates as a delivery would, then quits without
    /// sending anything: what `bitaqa doctor` checks.
    ///
    /// - Returns: What was established, e.g. `STARTTLS, AUTH` or `plain text`.
    public func verify() async throws(SMTPError) -> String {
        let session = try await SMTPSession.open(
            configuration: self.configuration, group: self.eventLoopGroup, logger: self.logger)
        await session.quit()
        var steps: [String] = []
        switch configuration.security {
        case .startTLS: steps.append("STARTTLS")
        case .implicitTLS: steps.append("implicit TLS")
        case .insecure: steps.append("plain text")
        }
        if configuration.username != nil { steps.append("AUTH") }
        return steps.joined(separator: ", ")
    }

    /// Sends one email in its own session.
    ///
    /// - Returns: The server's reply text to the end of the data, often holding its queue id.
    /// - Throws: ``SMTPError``; see ``SMTPError/isTemporary`` to decide whether to retry.
    public func send(_ email: Email) async throws(SMTPError) -> String {
        try await self.send([email])[0].get()
    }

    /// Sends several emails over one session, with RSET between them.
    ///
    /// Every email is rendered and checked before connecting; one that fails that check never reaches the
    /// server. A rejection of one email does not stop the others, but once the connection is lost the rest
    /// fail with that same error.
    ///
    /// - Returns: One result per email, in order: the server's text after the data, or the error.
    public func send(_ emails: [Email]) async -> [Result<String, SMTPError>] {
        let messages = emails.map { email in
            Result { () throws(SMTPError) in try OutgoingMessage(email) }
        }
        guard messages.contains(where: { (try? $0.get()) != nil }) else {
            return messages.map { $0.map { _ in "" } }
        }

        let session: SMTPSession
        do {
            session = try await SMTPSession.open(
                configuration: self.configuration,
                group: self.eventLoopGroup,
                logger: self.logger
            )
        } catch {
            return messages.map { message in message.flatMap { _ in .failure(error) } }
        }

        var results: [Result<String, SMTPError>] = []
        var brokenBy: SMTPError?
        var needsReset = false
        for message in messages {
            guard case .success(let message) = message else {
                results.append(message.map { _ in "" })
                continue
            }
            if let brokenBy {
                results.append(.failure(brokenBy))
                continue
            }
            do {
                if needsReset {
                    try await session.reset()
                }
                needsReset = true
                results.append(.success(try await session.send(message)))
            } catch {
                results.append(.failure(error))
                if !Self.sessionSurvives(error) {
                    brokenBy = error
                }
            }
        }
        if brokenBy == nil {
            await session.quit()
        } else {
            await session.connection.close()
        }
        return results
    }

    /// A refused command leaves the session usable, except 421, with which the server announces it is closing.
    private static func sessionSurvives(_ error: SMTPError) -> Bool {
        (error.kind == .rejected && error.replyCode != 421) || error.kind == .invalidMessage
    }
}
