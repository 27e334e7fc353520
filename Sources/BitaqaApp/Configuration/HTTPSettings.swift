import BitaqaHTTP
import Configuration
import Foundation

/// Where and how the server listens.
///
/// Keys (environment variables):
/// - `BITAQA_HTTP_HOST`: address to bind, default `127.0.0.1`.
/// - `BITAQA_HTTP_PORT`: port, default `8080` (`0` picks a free port).
/// - `BITAQA_TLS_CERT_FILE` / `BITAQA_TLS_KEY_FILE`: PEM files; when both are set the server speaks HTTPS only.
/// - `BITAQA_BEHIND_TLS_PROXY`: `true` allows plain HTTP on a non-loopback address in production.
/// - `BITAQA_PUBLIC_URL`: base of links in messages, default `http://127.0.0.1:8080`.
/// - `BITAQA_HTTP_MAX_BODY_BYTES`: largest request body read, default 65536; larger ones get 413 before
///   they are read in full.
/// - `BITAQA_HTTP_MAX_HEADER_BYTES`: largest request head (all header lines), default 16384; the
///   connection is closed past it.
/// - `BITAQA_TRUSTED_PROXIES`: comma-separated addresses of reverse proxies whose `X-Forwarded-For`
///   names the client (for rate limits, logs and audit events); unset, the header is ignored.
/// - `BITAQA_HTTP_IDLE_TIMEOUT`: seconds a connection may stay silent, including in the middle of its
///   headers, default 30. Bounds what slow or stalled clients hold.
public struct HTTPSettings: Sendable {
    public var host: String
    public var port: Int
    public var tlsCertificateFile: String?
    public var tlsKeyFile: String?
    public var behindTLSProxy: Bool
    public var publicURL: String
    public var maxBodyBytes: Int
    public var maxHeaderBytes: Int
    public var idleTimeout: Duration
    public var trustedProxies: Set<String>

    /// What `BITAQA_HTTP_MAX_BODY_BYTES` may be set to.
    static let bodyLimitRange = BodyLimits.range

    init(reader: ConfigReader) throws(ConfigurationError) {
        let http = SettingsReader(reader, scope: ["bitaqa", "http"])
        let tls = SettingsReader(reader, scope: ["bitaqa", "tls"])
        let root = SettingsReader(reader, scope: ["bitaqa"])
        host = http.string("host") ?? "127.0.0.1"
        port = try http.int("port", default: 8080, range: 0...65535)
        tlsCertificateFile = tls.string("cert.file")
        tlsKeyFile = tls.string("key.file")
        behindTLSProxy = try root.bool("behind.tls.proxy", default: false)
        maxBodyBytes = try http.int("max.body.bytes", default: 65_536, range: Self.bodyLimitRange)
        maxHeaderBytes = try http.int("max.header.bytes", default: 16_384, range: 1_024...1_048_576)
        idleTimeout = try http.duration("idle.timeout", default: 30, range: 0.5...3_600)
        trustedProxies = Set(
            (root.string("trusted.proxies") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty })
        for proxy in trustedProxies where !proxy.allSatisfy({ $0.isHexDigit || $0 == "." || $0 == ":" }) {
            throw ConfigurationError("BITAQA_TRUSTED_PROXIES", "'\(proxy.prefix(45))' is not an IP address")
        }
        publicURL = root.string("public.url") ?? "http://127.0.0.1:\(port == 0 ? 8080 : port)"
        if (tlsCertificateFile == nil) != (tlsKeyFile == nil) {
            let missing = tlsCertificateFile == nil ? "BITAQA_TLS_CERT_FILE" : "BITAQA_TLS_KEY_FILE"
            throw ConfigurationError(missing, "must be set together with the other TLS file")
        }
        for (variable, path) in [("BITAQA_TLS_CERT_FILE", tlsCertificateFile), ("BITAQA_TLS_KEY_FILE", tlsKeyFile)] {
            if let path, !FileManager.default.isReadableFile(atPath: path) {
                throw ConfigurationError(variable, "cannot read the file \(path)")
            }
        }
        guard let url = URL(string: publicURL), let scheme = url.scheme, ["http", "https"].contains(scheme),
            url.host != nil
        else {
            throw ConfigurationError("BITAQA_PUBLIC_URL", "'\(publicURL)' is not an http or https URL")
        }
        publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
    }

    /// Whether the server itself terminates TLS.
    public var usesTLS: Bool { tlsCertificateFile != nil }

    /// Whether `host` reaches only this machine.
    public var isLoopback: Bool {
        ["127.0.0.1", "::1", "localhost"].contains(host) || host.hasPrefix("127.")
    }
}
