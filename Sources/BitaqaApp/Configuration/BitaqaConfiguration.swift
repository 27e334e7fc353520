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
    /// Whether `BITAQA_ENV` was written out. Development by default is for a developer's machine only:
    /// a real upstream key or a non-loopback address needs `BITAQA_ENV=development` said explicitly.
    public var environmentIsExplicit: Bool
    public var http: HTTPSettings
    public var storage: StorageSettings
    public var security: SecuritySettings
    public var log: LogSettings
    public var audit: AuditSettings
    public var upstream: UpstreamSettings
    public var pipeline: PipelineSettings
    public var giftCards: GiftCardSettings
    public var messaging: MessagingSettings
    public var customer: CustomerSettings
    public var webhooks: WebhookConfiguration
    public var alerts: AlertConfiguration
    public var console: ConsoleSettings

    /// Reads and checks every setting; throws the first problem found.
    public init(reader: ConfigReader) throws(ConfigurationError) {
        let root = SettingsReader(reader, scope: ["bitaqa"])
        environment = try root.choice("env", default: DeploymentEnvironment.development)
        environmentIsExplicit = root.string("env") != nil
        http = try HTTPSettings(reader: reader)
        storage = try StorageSettings(reader: reader)
        security = try SecuritySettings(reader: reader)
        log = try LogSettings(reader: reader)
        audit = try AuditSettings(reader: reader, dataDirectory: storage.dataDirectory)
        upstream = try UpstreamSettings(reader: reader)
        pipeline = try PipelineSettings(reader: reader)
        giftCards = try GiftCardSettings(reader: reader)
        messaging = try MessagingSettings(reader: reader)
        customer = try CustomerSettings(reader: reader)
        webhooks = try WebhookConfiguration(reader: reader, development: environment == .development)
        alerts = try AlertConfiguration(reader: reader)
        console = try ConsoleSettings(reader: reader)
        if environment == .production {
            try checkProduction()
        } else if !environmentIsExplicit && !http.isLoopback {
            throw ConfigurationError(
                "BITAQA_ENV",
                "unset, so development, which listens only on loopback; \(http.host) needs BITAQA_ENV=production (or BITAQA_ENV=development written out)"
            )
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
        // Without them, a token the shop's identity provider issued for another service is accepted too.
        if customer.issuer == nil {
            throw ConfigurationError(
                "BITAQA_JWT_ISSUER", "is required in production: the `iss` your shop's tokens carry")
        }
        if customer.audience == nil {
            throw ConfigurationError(
                "BITAQA_JWT_AUDIENCE", "is required in production: the `aud` your shop's tokens carry for Bitaqa")
        }
    }
}
