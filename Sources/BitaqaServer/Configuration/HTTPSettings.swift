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
public struct HTTPSettings: Sendable {
    public var host: String
    public var port: Int
    public var tlsCertificateFile: String?
    public var tlsKeyFile: String?
    public var behindTLSProxy: Bool
    public var publicURL: String

    init(reader: ConfigReader) throws(ConfigurationError) {
        let http = SettingsReader(reader, scope: ["bitaqa", "http"])
        let tls = SettingsReader(reader, scope: ["bitaqa", "tls"])
        let root = SettingsReader(reader, scope: ["bitaqa"])
        host = http.string("host") ?? "127.0.0.1"
        port = try http.int("port", default: 8080, range: 0...65535)
        tlsCertificateFile = tls.string("cert.file")
        tlsKeyFile = tls.string("key.file")
        behindTLSProxy = try root.bool("behind.tls.proxy", default: false)
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
