/// The single error type of the SMTP client.
///
/// Callers decide between "try again later" and "give up" with ``isTemporary`` and ``isPermanent``; ``kind``
/// tells what went wrong when finer handling is needed. The text of an error never holds the password or any
/// authentication payload: server text is sanitised and redacted before it is stored here.
public struct SMTPError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, independent of the server's reply code.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidConfiguration = "invalid configuration"
            case invalidMessage = "invalid message"
            case connectionFailed = "connection failed"
            case connectionClosed = "connection closed"
            case timeout = "timeout"
            case tlsFailure = "TLS failure"
            case startTLSUnavailable = "STARTTLS unavailable"
            case startTLSResponseInjection = "STARTTLS response injection"
            case authenticationUnavailable = "authentication unavailable"
            case authenticationFailed = "authentication failed"
            case rejected = "rejected"
            case protocolViolation = "protocol violation"
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// The URL, CA file or another setting cannot be used.
        public static let invalidConfiguration = Kind(.invalidConfiguration)
        /// The email cannot be sent as given, for example a header value holds a line break.
        public static let invalidMessage = Kind(.invalidMessage)
        /// No connection could be made to the server.
        public static let connectionFailed = Kind(.connectionFailed)
        /// The connection was lost before the exchange finished.
        public static let connectionClosed = Kind(.connectionClosed)
        /// The server did not answer in time.
        public static let timeout = Kind(.timeout)
        /// The TLS handshake failed, for example because the certificate is not trusted or names another host.
        public static let tlsFailure = Kind(.tlsFailure)
        /// STARTTLS was required but the server does not offer it.
        public static let startTLSUnavailable = Kind(.startTLSUnavailable)
        /// The server sent bytes after its STARTTLS reply and before the TLS handshake, a known attack.
        public static let startTLSResponseInjection = Kind(.startTLSResponseInjection)
        /// Credentials were given but the server offers no usable AUTH mechanism.
        public static let authenticationUnavailable = Kind(.authenticationUnavailable)
        /// The server refused the credentials.
        public static let authenticationFailed = Kind(.authenticationFailed)
        /// The server answered a command with a 4xx or 5xx reply.
        public static let rejected = Kind(.rejected)
        /// The server's reply was malformed or not one the protocol allows at that point.
        public static let protocolViolation = Kind(.protocolViolation)

        /// A short human readable name of the kind.
        public var description: String {
            self.base.rawValue
        }

        fileprivate var isAlwaysTemporary: Bool {
            switch self.base {
            case .connectionFailed, .connectionClosed, .timeout, .tlsFailure, .startTLSResponseInjection,
                .protocolViolation:
                return true
            case .invalidConfiguration, .invalidMessage, .startTLSUnavailable, .authenticationUnavailable,
                .authenticationFailed, .rejected:
                return false
            }
        }

        fileprivate var followsReplyCode: Bool {
            self.base == .rejected || self.base == .authenticationFailed
        }
    }

    /// What went wrong.
    public let kind: Kind
    /// The server's three digit reply code, when the error comes from a reply.
    public let replyCode: Int?
    /// The server's reply text, sanitised (no control characters), truncated and with credentials removed.
    public let serverText: String?
    /// The SMTP command the error answers, such as `RCPT TO`, when there is one.
    public let command: String?
    private let detail: String

    init(_ kind: Kind, _ detail: String, replyCode: Int? = nil, serverText: String? = nil, command: String? = nil) {
        self.kind = kind
        self.detail = detail
        self.replyCode = replyCode
        self.serverText = serverText
        self.command = command
    }

    /// True when sending again later may succeed: 4xx replies, lost connections, timeouts and TLS failures.
    public var isTemporary: Bool {
        if self.kind.followsReplyCode, let code = self.replyCode {
            return (400..<500).contains(code)
        }
        return self.kind.isAlwaysTemporary
    }

    /// True when sending the same email again will fail the same way: 5xx replies and configuration errors.
    public var isPermanent: Bool {
        !self.isTemporary
    }

    /// A one line summary, safe to log.
    public var description: String {
        var text = "SMTPError(\(self.kind)"
        if let command = self.command {
            text += ", \(command)"
        }
        if let replyCode = self.replyCode {
            text += ", \(replyCode)"
        }
        text += ": \(self.detail)"
        if let serverText = self.serverText, !serverText.isEmpty {
            text += " - server said \"\(serverText)\""
        }
        return text + ")"
    }
}

extension SMTPError {
    static func invalidConfiguration(_ detail: String) -> SMTPError {
        SMTPError(.invalidConfiguration, detail)
    }

    static func invalidMessage(_ detail: String) -> SMTPError {
        SMTPError(.invalidMessage, detail)
    }

    static func protocolViolation(_ detail: String) -> SMTPError {
        SMTPError(.protocolViolation, detail)
    }
}
