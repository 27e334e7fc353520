import NIOCore
import NIOSSL

/// The last handler of the pipeline: hands replies to one waiting command at a time and performs the
/// STARTTLS switch on the event loop, in the same tick that delivers the server's 220.
///
/// Every method runs on the channel's event loop; ``SMTPConnection`` is the async face of this handler.
final class SMTPClientHandler: ChannelInboundHandler {
    typealias InboundIn = SMTPReply
    typealias OutboundOut = ByteBuffer

    private let eventLoop: any EventLoop
    private var context: ChannelHandlerContext?
    private var unclaimedReplies: [SMTPReply] = []
    private var waiter: EventLoopPromise<SMTPReply>?
    private var timeout: Scheduled<Void>?
    private var pendingTLSUpgrade: (@Sendable () throws -> NIOSSLClientHandler)?
    private var failure: SMTPError?

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.fail(SMTPError(.connectionClosed, "the connection is closed"))
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let reply = Self.unwrapInboundIn(data)
        guard self.failure == nil else {
            return
        }
        if let upgrade = self.pendingTLSUpgrade {
            self.pendingTLSUpgrade = nil
            if reply.code == 220 {
                // Anything the server sent after its 220 was written before TLS and would be read as if it came
                // through TLS: the STARTTLS response injection attack (CVE-2011-0411 and kin).
                guard !reply.hasTrailingBytes, self.unclaimedReplies.isEmpty else {
                    self.failAndClose(
                        SMTPError(
                            .startTLSResponseInjection,
                            "the server sent data after its STARTTLS reply and before the TLS handshake"
                        )
                    )
                    return
                }
                do {
                    try context.pipeline.syncOperations.addHandler(upgrade(), position: .first)
                } catch {
                    self.failAndClose(SMTPError(.tlsFailure, "cannot start TLS: \(Self.summary(of: error))"))
                    return
                }
            }
        }
        if let waiter = self.waiter {
            self.waiter = nil
            self.timeout?.cancel()
            self.timeout = nil
            waiter.succeed(reply)
        } else {
            self.unclaimedReplies.append(reply)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.fail(SMTPError(.connectionClosed, "the server closed the connection"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.failAndClose(self.classify(error))
    }

    /// Writes `bytes` and waits for the reply.
    func send(_ bytes: ByteBuffer, timeout: TimeAmount) -> EventLoopFuture<SMTPReply> {
        if let failure = self.failure {
            return self.eventLoop.makeFailedFuture(failure)
        }
        guard let context = self.context else {
            return self.eventLoop.makeFailedFuture(SMTPError(.connectionClosed, "the connection is closed"))
        }
        guard self.unclaimedReplies.isEmpty else {
            // Lock-step SMTP: a reply nobody asked for means the two sides no longer agree on the state.
            let error = SMTPError.protocolViolation("the server sent a reply before the command was sent")
            self.failAndClose(error)
            return self.eventLoop.makeFailedFuture(error)
        }
        context.writeAndFlush(Self.wrapOutboundOut(bytes), promise: nil)
        return self.nextReply(timeout: timeout)
    }

    /// Sends `STARTTLS` and, when the server accepts with 220, puts `makeTLSHandler()` first in the pipeline.
    func startTLS(
        timeout: TimeAmount,
        makeTLSHandler: @escaping @Sendable () throws -> NIOSSLClientHandler
    ) -> EventLoopFuture<SMTPReply> {
        // Armed before writing so that the reply, whenever it comes, finds the upgrade waiting.
        self.pendingTLSUpgrade = makeTLSHandler
        return self.send(ByteBuffer(string: "STARTTLS\r\n"), timeout: timeout)
    }

    /// The next reply, claimed from those already received or awaited.
    func nextReply(timeout: TimeAmount) -> EventLoopFuture<SMTPReply> {
        if !self.unclaimedReplies.isEmpty {
            return self.eventLoop.makeSucceededFuture(self.unclaimedReplies.removeFirst())
        }
        if let failure = self.failure {
            return self.eventLoop.makeFailedFuture(failure)
        }
        guard self.waiter == nil else {
            return self.eventLoop.makeFailedFuture(SMTPError.protocolViolation("two commands awaited a reply at once"))
        }
        let promise = self.eventLoop.makePromise(of: SMTPReply.self)
        self.waiter = promise
        self.timeout = self.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
            self.failAndClose(SMTPError(.timeout, "no reply from the server within \(Self.describe(timeout))"))
        }
        return promise.futureResult
    }

    private func fail(_ error: SMTPError) {
        guard self.failure == nil else {
            return
        }
        self.failure = error
        self.pendingTLSUpgrade = nil
        self.timeout?.cancel()
        self.timeout = nil
        if let waiter = self.waiter {
            self.waiter = nil
            waiter.fail(error)
        }
    }

    private func failAndClose(_ error: SMTPError) {
        self.fail(error)
        self.context?.close(promise: nil)
    }

    private func classify(_ error: any Error) -> SMTPError {
        if let error = error as? SMTPError {
            return error
        }
        if let error = error as? NIOSSLError, case .uncleanShutdown = error {
            return SMTPError(.connectionClosed, "the server closed the TLS connection without close_notify")
        }
        if error is NIOSSLError || error is NIOSSLExtraError || error is BoringSSLError {
            return SMTPError(.tlsFailure, Self.summary(of: error))
        }
        if error is ByteToMessageDecoderError {
            return .protocolViolation(Self.summary(of: error))
        }
        return SMTPError(.connectionClosed, Self.summary(of: error))
    }

    static func summary(of error: any Error) -> String {
        let text = String(describing: error)
        return text.count > 300 ? String(text.prefix(300)) + "..." : text
    }

    private static func describe(_ amount: TimeAmount) -> String {
        let milliseconds = amount.nanoseconds / 1_000_000
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(milliseconds) ms"
    }
}
