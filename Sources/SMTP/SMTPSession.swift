import Logging
import NIOCore

/// One logged-in SMTP session: greeting, EHLO, STARTTLS, AUTH, then message transactions.
struct SMTPSession {
    let connection: SMTPConnection
    let configuration: SMTPConfiguration
    let serverText: ServerText
    private(set) var capabilities: SMTPCapabilities

    /// Connects and runs everything up to a state where MAIL FROM may be sent.
    static func open(
        configuration: SMTPConfiguration,
        group: any EventLoopGroup,
        logger: Logger
    ) async throws(SMTPError) -> SMTPSession {
        let connection = try await SMTPConnection.connect(configuration: configuration, group: group, logger: logger)
        do {
            var session = SMTPSession(
                connection: connection,
                configuration: configuration,
                serverText: ServerText(secrets: Self.secrets(of: configuration)),
                capabilities: .none
            )
            try await session.handshake()
            return session
        } catch {
            // No QUIT: after a refused STARTTLS or an injection attempt nothing more may be sent.
            await connection.close()
            throw error
        }
    }

    private mutating func handshake() async throws(SMTPError) {
        let greeting = try await self.connection.readReply(timeout: self.configuration.replyTimeout, logAs: "greeting")
        try self.expect(greeting, 220, command: "greeting")
        self.capabilities = try await self.hello()

        var isEncrypted = self.configuration.security == .implicitTLS
        if self.configuration.security == .startTLS {
            guard self.capabilities.startTLS, let tlsContext = self.configuration.tlsContext else {
                throw SMTPError(.startTLSUnavailable, "the server does not offer STARTTLS, which smtp:// requires")
            }
            let reply = try await self.connection.startTLS(
                context: tlsContext,
                host: self.configuration.host,
                timeout: self.configuration.replyTimeout
            )
            try self.expect(reply, 220, command: "STARTTLS")
            // RFC 3207: everything learnt before TLS is forgotten and asked again over the protected channel.
            self.capabilities = try await self.hello()
            isEncrypted = true
        }

        if let credentials = self.configuration.credentials {
            guard isEncrypted || self.configuration.security == .insecure else {
                throw SMTPError(.authenticationUnavailable, "refusing to send credentials without TLS")
            }
            try await self.authenticate(username: credentials.username, password: credentials.password)
        }
    }

    /// EHLO, or HELO when the server does not know EHLO.
    private func hello() async throws(SMTPError) -> SMTPCapabilities {
        let name = self.configuration.heloName
        let ehlo = try await self.command("EHLO \(name)", logAs: "EHLO")
        if ehlo.isPositiveCompletion {
            return SMTPCapabilities(ehloReply: ehlo)
        }
        guard (500..<600).contains(ehlo.code) else {
            throw self.failure(for: ehlo, command: "EHLO")
        }
        let helo = try await self.command("HELO \(name)", logAs: "HELO")
        try self.expect(helo, 250, command: "HELO")
        return .none
    }

    /// Runs one mail transaction and returns the server's text after the data, often with a queue id.
    func send(_ message: OutgoingMessage) async throws(SMTPError) -> String {
        var parameters = ""
        if message.needsSMTPUTF8 {
            guard self.capabilities.smtpUTF8 else {
                throw .invalidMessage("an address is not ASCII and the server does not offer SMTPUTF8")
            }
            parameters += " SMTPUTF8"
        }
        if message.is8Bit, self.capabilities.eightBitMIME {
            parameters += " BODY=8BITMIME"
        }
        let mail = try await self.command("MAIL FROM:<\(message.sender)>\(parameters)", logAs: "MAIL FROM")
        try self.expectPositive(mail, command: "MAIL FROM")
        for recipient in message.recipients {
            let reply = try await self.command("RCPT TO:<\(recipient)>", logAs: "RCPT TO")
            try self.expectPositive(reply, command: "RCPT TO")
        }
        let data = try await self.command("DATA", logAs: "DATA")
        try self.expect(data, 354, command: "DATA")
        let final = try await self.connection.sendData(message.data, timeout: self.configuration.dataTimeout)
        try self.expectPositive(final, command: "end of data")
        return self.serverText.sanitise(final.lines)
    }

    /// Clears the transaction before the next message.
    func reset() async throws(SMTPError) {
        let reply = try await self.command("RSET", logAs: "RSET")
        try self.expectPositive(reply, command: "RSET")
    }

    /// Says goodbye politely, then closes whatever the server answered.
    func quit() async {
        let timeout = min(self.configuration.replyTimeout, .seconds(5))
        _ = try? await self.connection.command("QUIT", logAs: "QUIT", timeout: timeout)
        await self.connection.close()
    }

    func command(_ line: String, logAs verb: String) async throws(SMTPError) -> SMTPReply {
        try await self.connection.command(line, logAs: verb, timeout: self.configuration.replyTimeout)
    }

    func expect(_ reply: SMTPReply, _ code: Int, command: String) throws(SMTPError) {
        guard reply.code == code else {
            throw self.failure(for: reply, command: command)
        }
    }

    func expectPositive(_ reply: SMTPReply, command: String) throws(SMTPError) {
        guard reply.isPositiveCompletion else {
            throw self.failure(for: reply, command: command)
        }
    }

    /// 4xx and 5xx become rejections; any other unexpected code means the dialogue went wrong.
    func failure(for reply: SMTPReply, command: String, kind: SMTPError.Kind = .rejected) -> SMTPError {
        let text = self.serverText.sanitise(reply.lines)
        guard reply.isNegative else {
            return SMTPError(
                .protocolViolation,
                "unexpected reply",
                replyCode: reply.code,
                serverText: text,
                command: command
            )
        }
        let detail = reply.code < 500 ? "temporary failure" : "permanent failure"
        return SMTPError(kind, detail, replyCode: reply.code, serverText: text, command: command)
    }

    private static func secrets(of configuration: SMTPConfiguration) -> [String] {
        guard let (username, password) = configuration.credentials else {
            return []
        }
        return [
            password,
            Base64.encode(password),
            Base64.encode("\0\(username)\0\(password)"),
            Base64.encode("\(username)\0\(password)"),
        ]
    }
}
