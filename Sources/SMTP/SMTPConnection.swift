import Logging
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// The async face of one connection: send a line, await its reply. Lock-step, one command at a time.
struct SMTPConnection: Sendable {
    private let channel: any Channel
    private let handler: NIOLoopBound<SMTPClientHandler>
    private let logger: Logger

    /// Opens the TCP connection, with TLS from the start for `smtps`.
    static func connect(
        configuration: SMTPConfiguration,
        group: any EventLoopGroup,
        logger: Logger
    ) async throws(SMTPError) -> SMTPConnection {
        let implicitTLS = configuration.security == .implicitTLS ? configuration.tlsContext : nil
        let host = configuration.host
        let handlers = HandlerRegistry()
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(configuration.connectTimeout.timeAmount)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    if let implicitTLS {
                        try sync.addHandler(Self.makeTLSHandler(context: implicitTLS, host: host))
                    }
                    try sync.addHandler(ByteToMessageHandler(SMTPReplyDecoder()))
                    let handler = SMTPClientHandler(eventLoop: channel.eventLoop)
                    try sync.addHandler(handler)
                    handlers.register(NIOLoopBound(handler, eventLoop: channel.eventLoop), for: channel)
                }
            }
        logger.debug("SMTP connecting", metadata: ["smtp.host": "\(host)", "smtp.port": "\(configuration.port)"])
        do {
            let channel = try await bootstrap.connect(host: host, port: configuration.port).get()
            guard let handler = handlers.handler(for: channel) else {
                throw SMTPError(.connectionFailed, "the connection was set up without its SMTP handler")
            }
            logger.debug("SMTP connected", metadata: ["smtp.host": "\(host)", "smtp.port": "\(configuration.port)"])
            return SMTPConnection(channel: channel, handler: handler, logger: logger)
        } catch let error as SMTPError {
            throw error
        } catch ChannelError.connectTimeout(let amount) {
            throw SMTPError(.timeout, "no TCP connection within \(amount.nanoseconds / 1_000_000) ms")
        } catch {
            throw SMTPError(.connectionFailed, "cannot connect: \(SMTPClientHandler.summary(of: error))")
        }
    }

    /// SNI and certificate name checks use the URL host; for an IP literal NIOSSL checks the peer address.
    static func makeTLSHandler(context: NIOSSLContext, host: String) throws -> NIOSSLClientHandler {
        let isIPAddress = (try? SocketAddress(ipAddress: host, port: 0)) != nil
        return try NIOSSLClientHandler(context: context, serverHostname: isIPAddress ? nil : host)
    }

    /// Waits for a reply without sending anything, for the greeting.
    func readReply(timeout: Duration, logAs verb: String) async throws(SMTPError) -> SMTPReply {
        try await self.onEventLoop(verb) { [timeout = timeout.timeAmount] handler in
            handler.nextReply(timeout: timeout)
        }
    }

    /// Sends one command line; `verb` is what the log shows, never the arguments of AUTH.
    func command(_ line: String, logAs verb: String, timeout: Duration) async throws(SMTPError) -> SMTPReply {
        self.logger.debug("SMTP command", metadata: ["smtp.command": "\(verb)"])
        let bytes = ByteBuffer(string: line + "\r\n")
        return try await self.onEventLoop(verb) { [timeout = timeout.timeAmount] handler in
            handler.send(bytes, timeout: timeout)
        }
    }

    /// Sends the dot-stuffed message data, terminator included.
    func sendData(_ data: ByteBuffer, timeout: Duration) async throws(SMTPError) -> SMTPReply {
        self.logger.debug("SMTP message data", metadata: ["smtp.bytes": "\(data.readableBytes)"])
        return try await self.onEventLoop("end of data") { [timeout = timeout.timeAmount] handler in
            handler.send(data, timeout: timeout)
        }
    }

    /// Sends STARTTLS; on 220 the TLS handler is already in place when this returns.
    func startTLS(context: NIOSSLContext, host: String, timeout: Duration) async throws(SMTPError) -> SMTPReply {
        self.logger.debug("SMTP command", metadata: ["smtp.command": "STARTTLS"])
        return try await self.onEventLoop("STARTTLS") { [timeout = timeout.timeAmount] handler in
            handler.startTLS(timeout: timeout) {
                try Self.makeTLSHandler(context: context, host: host)
            }
        }
    }

    func close() async {
        self.logger.debug("SMTP closing connection")
        try? await self.channel.close()
    }

    private func onEventLoop(
        _ verb: String,
        _ body: @escaping @Sendable (SMTPClientHandler) -> EventLoopFuture<SMTPReply>
    ) async throws(SMTPError) -> SMTPReply {
        let handler = self.handler
        let future = self.channel.eventLoop.flatSubmit { body(handler.value) }
        do {
            let reply = try await withTaskCancellationHandler {
                try await future.get()
            } onCancel: { [channel = self.channel] in
                // Cancelling the caller must not leave a connection waiting for minutes on a reply timeout.
                channel.close(promise: nil)
            }
            self.logger.debug("SMTP reply", metadata: ["smtp.command": "\(verb)", "smtp.code": "\(reply.code)"])
            return reply
        } catch let error as SMTPError {
            self.logger.debug("SMTP failure", metadata: ["smtp.command": "\(verb)", "smtp.error": "\(error.kind)"])
            throw error
        } catch {
            throw SMTPError(.connectionClosed, SMTPClientHandler.summary(of: error))
        }
    }
}

/// Hands the handler of the winning connection attempt out of the channel initializer.
///
/// Looking it up in the pipeline after connecting fails when an implicit TLS handshake has already failed and
/// torn the pipeline down; kept here, the handler still reports that TLS failure. Keyed by channel because
/// happy eyeballs may run the initializer for several attempts.
private final class HandlerRegistry: Sendable {
    private let handlers = Mutex<[ObjectIdentifier: NIOLoopBound<SMTPClientHandler>]>([:])

    func register(_ handler: NIOLoopBound<SMTPClientHandler>, for channel: any Channel) {
        self.handlers.withLock { $0[ObjectIdentifier(channel)] = handler }
    }

    func handler(for channel: any Channel) -> NIOLoopBound<SMTPClientHandler>? {
        self.handlers.withLock { $0[ObjectIdentifier(channel)] }
    }
}
