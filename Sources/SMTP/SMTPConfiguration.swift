import NIOCore
import NIOSSL

/// Where and how to reach an SMTP server, parsed from a URL.
///
/// - `smtp://user:pass@host:587`: plain connection upgraded with STARTTLS, which is required.
/// - `smtps://user:pass@host:465`: TLS from the first byte.
/// - `smtp+insecure://host:25`: no encryption at all; only when chosen explicitly.
///
/// The description and the reflection of this type never show the password.
public struct SMTPConfiguration: Sendable, CustomStringConvertible, CustomReflectable {
    /// How the connection is protected.
    public enum Security: String, Sendable, Hashable {
        /// Plain connection, then STARTTLS before anything else; refused when the server does not offer it.
        case startTLS = "smtp"
        /// TLS from the first byte.
        case implicitTLS = "smtps"
        /// No TLS. Credentials, if any, travel in clear.
        case insecure = "smtp+insecure"
    }

    /// How the connection is protected, from the URL scheme.
    public let security: Security
    /// The host from the URL, also the name the server certificate must match.
    public let host: String
    /// The port from the URL, or 587, 465 or 25 by scheme.
    public let port: Int
    /// The user name for AUTH, if the URL has one.
    public let username: String?
    /// The extra trusted CA file (PEM), added to the system roots.
    public let caFile: String?
    /// The name sent with EHLO and HELO.
    public let heloName: String
    /// How long to wait for the TCP connection.
    public let connectTimeout: Duration
    /// How long to wait for each reply.
    public let replyTimeout: Duration
    /// How long to wait for the reply to the end of the message data, which servers may take long to give.
    public let dataTimeout: Duration

    let password: String?
    let tlsContext: NIOSSLContext?

    /// Parses `url` and prepares TLS.
    ///
    /// - Parameters:
    ///   - url: `smtp://`, `smtps://` or `smtp+insecure://`, with optional percent-encoded user and password.
    ///   - caFile: A PEM file of certificates trusted in addition to the system roots.
    ///   - heloName: The client name for EHLO and HELO.
    ///   - connectTimeout: Limit for establishing the TCP connection.
    ///   - replyTimeout: Limit for each server reply.
    ///   - dataTimeout: Limit for the reply after the message data; RFC 5321 suggests 10 minutes.
    /// - Throws: ``SMTPError`` of kind ``SMTPError/Kind/invalidConfiguration``.
    public init(
        url: String,
        caFile: String? = nil,
        heloName: String = "localhost",
        connectTimeout: Duration = .seconds(10),
        replyTimeout: Duration = .seconds(30),
        dataTimeout: Duration = .seconds(600)
    ) throws(SMTPError) {
        let parsed = try SMTPURL(parsing: url)
        guard let security = Security(rawValue: parsed.scheme) else {
            throw .invalidConfiguration("unsupported scheme; use smtp, smtps or smtp+insecure")
        }
        guard !heloName.isEmpty, heloName.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            throw .invalidConfiguration("the HELO name must be printable ASCII without spaces")
        }
        for timeout in [connectTimeout, replyTimeout, dataTimeout] where timeout <= .zero {
            throw .invalidConfiguration("timeouts must be positive")
        }
        self.security = security
        self.host = parsed.host
        self.port = parsed.port ?? Self.defaultPort(security)
        self.username = parsed.username.flatMap { $0.isEmpty ? nil : $0 }
        self.password = self.username == nil ? nil : parsed.password
        self.caFile = caFile
        self.heloName = heloName
        self.connectTimeout = connectTimeout
        self.replyTimeout = replyTimeout
        self.dataTimeout = dataTimeout
        self.tlsContext = security == .insecure ? nil : try Self.makeTLSContext(caFile: caFile)
    }

    /// The URL without the password, and the settings.
    public var description: String {
        var user = ""
        if let username = self.username {
            user = username + (self.password == nil ? "" : ":<redacted>") + "@"
        }
        let host = self.host.contains(":") ? "[\(self.host)]" : self.host
        var text = "SMTPConfiguration(\(self.security.rawValue)://\(user)\(host):\(self.port)"
        if let caFile = self.caFile {
            text += ", caFile: \(caFile)"
        }
        text += ", helo: \(self.heloName), connectTimeout: \(self.connectTimeout)"
        return text + ", replyTimeout: \(self.replyTimeout), dataTimeout: \(self.dataTimeout))"
    }

    /// Reflection without the password, so `dump` and debuggers do not show it either.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "security": self.security, "host": self.host, "port": self.port,
                "username": self.username as Any, "hasPassword": self.password != nil,
                "caFile": self.caFile as Any, "heloName": self.heloName,
                "connectTimeout": self.connectTimeout, "replyTimeout": self.replyTimeout,
                "dataTimeout": self.dataTimeout,
            ],
            displayStyle: .struct
        )
    }

    private static func defaultPort(_ security: Security) -> Int {
        switch security {
        case .startTLS: 587
        case .implicitTLS: 465
        case .insecure: 25
        }
    }

    private static func makeTLSContext(caFile: String?) throws(SMTPError) -> NIOSSLContext {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .fullVerification
        tls.minimumTLSVersion = .tlsv12
        do {
            if let caFile {
                let certificates = try NIOSSLCertificate.fromPEMFile(caFile)
                guard !certificates.isEmpty else {
                    throw SMTPError.invalidConfiguration("the CA file holds no PEM certificate")
                }
                tls.additionalTrustRoots = [.certificates(certificates)]
            }
            return try NIOSSLContext(configuration: tls)
        } catch let error as SMTPError {
            throw error
        } catch {
            throw .invalidConfiguration("cannot load the CA file or set up TLS: \(error)")
        }
    }

    var credentials: (username: String, password: String)? {
        guard let username = self.username else {
            return nil
        }
        return (username, self.password ?? "")
    }
}
