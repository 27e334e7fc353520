import Configuration

/// Development or production; production turns every missing or unsafe setting into a startup error.
///
/// Key: `BITAQA_ENV`, `development` (default) or `production`.
public enum DeploymentEnvironment: String, Sendable, CaseIterable {
    case development
    case production
}

/// The whole configuration, read once at startup from a `ConfigReader`
/// (command-line options, then the environment, then `.env`).
public struct BitaqaConfiguration: Sendable {
    public var environment: DeploymentEnvironment
    public var http: HTTPSettings
    public var storage: StorageSettings
    public var security: SecuritySettings
    public var log: LogSettings
    public var audit: AuditSettings
    public var upstream: UpstreamSettings
    public var pipeline: PipelineSettings
    public var messaging: MessagingSettings
    public var customer: CustomerSettings

    /// Reads and checks every setting; throws the first problem found.
    public init(reader: ConfigReader) throws(ConfigurationError) {
        environment = try SettingsReader(reader, scope: ["bitaqa"]).choice(
            "env", default: DeploymentEnvironment.development)
        http = try HTTPSettings(reader: reader)
        storage = try StorageSettings(reader: reader)
        security = try SecuritySettings(reader: reader)
        log = try LogSettings(reader: reader)
        audit = try AuditSettings(reader: reader, dataDirectory: storage.dataDirectory)
        upstream = try UpstreamSettings(reader: reader)
        pipeline = try PipelineSettings(reader: reader)
        messaging = try MessagingSettings(reader: reader)
        customer = try CustomerSettings(reader: reader)
        if environment == .production {
            try checkProduction()
        }
    }

    private func checkProduction() throws(ConfigurationError) {
        if security.encryptionKeys.isEmpty {
            throw ConfigurationError(
                "ENCRYPTION_KEY",
                "is required in production (or BITAQA_ENCRYPTION_KEYS); create one with `bitaqa keys generate`")
        }
        if security.adminToken == nil {
            throw ConfigurationError("BITAQA_ADMIN_TOKEN", "is required in production")
        }
        if !http.usesTLS && !http.isLoopback && !http.behindTLSProxy {
            throw ConfigurationError(
                "BITAQA_HTTP_HOST",
                "plain HTTP on \(http.host) is refused in production; set BITAQA_TLS_CERT_FILE and BITAQA_TLS_KEY_FILE, or BITAQA_BEHIND_TLS_PROXY=true"
            )
        }
        if upstream.apiKey == nil {
            throw ConfigurationError(
                "ONECLICKDZ_API_KEY", "is required in production (the sandbox runs only in development)")
        }
        if customer.jwtSecret == nil && customer.jwtPublicKeyFile == nil {
            throw ConfigurationError("BITAQA_JWT_SECRET", "is required in production (or BITAQA_JWT_PUBLIC_KEY_FILE)")
        }
    }
}
