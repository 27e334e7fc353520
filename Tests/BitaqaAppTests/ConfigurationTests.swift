import BitaqaApp
import BitaqaCore
import BitaqaTestSupport
import Configuration
import Foundation
import HTTPTypes
import Orders
import Storage
import Testing

@Suite("Configuration")
struct ConfigurationTests {
    static let key = String(repeating: "ab", count: 32)
    static let otherKey = String(repeating: "cd", count: 32)

    static func read(_ environment: [String: String]) throws(ConfigurationError) -> BitaqaConfiguration {
        try BitaqaConfiguration(
            reader: ConfigReader(provider: EnvironmentVariablesProvider(environmentVariables: environment)))
    }

    @Test("defaults need nothing")
    func defaults() throws {
        let configuration = try Self.read([:])
        #expect(configuration.environment == .development)
        #expect(configuration.http.host == "127.0.0.1")
        #expect(configuration.http.port == 8080)
        #expect(configuration.http.publicURL == "http://127.0.0.1:8080")
        #expect(configuration.storage.dataDirectory.hasSuffix("/data"))
        #expect(configuration.storage.database == .sqlite(path: configuration.storage.dataDirectory + "/bitaqa.sqlite"))
        #expect(configuration.security.encryptionKeys.isEmpty)
        #expect(configuration.log.format == .text)
    }

    @Test("every documented variable is read")
    func explicit() throws {
        let configuration = try Self.read([
            "BITAQA_ENV": "development", "BITAQA_HTTP_HOST": "0.0.0.0", "BITAQA_HTTP_PORT": "9090",
            "BITAQA_DATA_DIR": "/tmp/bq-data", "BITAQA_DATABASE_URL": "postgres://u:p@db:5432/bitaqa",
            "BITAQA_ADMIN_TOKEN": "0123456789abcdef0", "BITAQA_ENCRYPTION_KEYS": "\(Self.key),\(Self.otherKey)",
            "BITAQA_LOG_LEVEL": "debug", "BITAQA_LOG_FORMAT": "json", "BITAQA_PUBLIC_URL": "https://cards.shop.dz/",
            "BITAQA_BEHIND_TLS_PROXY": "true",
        ])
        #expect(configuration.http.host == "0.0.0.0")
        #expect(configuration.http.port == 9090)
        #expect(configuration.http.publicURL == "https://cards.shop.dz")
        #expect(configuration.http.behindTLSProxy)
        #expect(configuration.storage.dataDirectory == "/tmp/bq-data")
        #expect(configuration.storage.database == .postgres(url: Secret("postgres://u:p@db:5432/bitaqa")))
        #expect(configuration.security.adminToken?.unsafeRevealed == "0123456789abcdef0")
        #expect(configuration.security.encryptionKeys.map(\.unsafeHex) == [Self.key, Self.otherKey])
        #expect(configuration.log.level == .debug)
        #expect(configuration.log.format == .json)
    }

    @Test("the limits are read, with their defaults")
    func limits() throws {
        let defaults = try Self.read([:])
        #expect(
            defaults.http.maxBodyBytes == 65_536 && defaults.http.maxHeaderBytes == 16_384
                && defaults.http.idleTimeout == .seconds(30))
        #expect(
            defaults.pipeline.concurrency == 8 && defaults.storage.poolSize == 8
                && defaults.pipeline.shutdownTimeout == .seconds(30))
        let set = try Self.read([
            "BITAQA_HTTP_MAX_BODY_BYTES": "2048", "BITAQA_HTTP_MAX_HEADER_BYTES": "4096",
            "BITAQA_HTTP_IDLE_TIMEOUT": "2.5",
            "BITAQA_DELIVERY_CONCURRENCY": "16", "BITAQA_DATABASE_POOL_SIZE": "20", "BITAQA_SHUTDOWN_TIMEOUT": "5",
            "BITAQA_DELIVERY_RETRY_BASE": "0.5", "BITAQA_DELIVERY_RETRY_CAP": "30", "ONECLICKDZ_TIMEOUT": "3",
        ])
        #expect(
            set.http.maxBodyBytes == 2_048 && set.http.maxHeaderBytes == 4_096
                && set.http.idleTimeout == .milliseconds(2_500))
        #expect(
            set.pipeline.concurrency == 16 && set.storage.poolSize == 20 && set.pipeline.shutdownTimeout == .seconds(5))
        #expect(
            set.pipeline.deliveryRetryBase == .milliseconds(500) && set.pipeline.deliveryRetryCap == .seconds(30)
                && set.upstream.requestTimeout == .seconds(3)
        )
    }

    @Test(
        "bad values stop startup naming the setting and never echoing a secret",
        arguments: [
            (["BITAQA_HTTP_PORT": "abc"], "BITAQA_HTTP_PORT"),
            (["BITAQA_HTTP_PORT": "70000"], "BITAQA_HTTP_PORT"),
            (["BITAQA_DATABASE_URL": "mysql://u:CANARY@h/db"], "BITAQA_DATABASE_URL"),
            (["BITAQA_DATABASE_URL": "postgres://u:CANARY@h:port/db"], "BITAQA_DATABASE_URL"),
            (["ENCRYPTION_KEY": String(repeating: "a", count: 63)], "ENCRYPTION_KEY"),
            (["ENCRYPTION_KEY": "CANARY" + String(repeating: "a", count: 58)], "ENCRYPTION_KEY"),
            (["BITAQA_ENCRYPTION_KEYS": "\(key),\(key)"], "BITAQA_ENCRYPTION_KEYS"),
            (["BITAQA_ENCRYPTION_KEYS": "\(key),"], "BITAQA_ENCRYPTION_KEYS"),
            (["BITAQA_ENCRYPTION_KEYS": key, "ENCRYPTION_KEY": otherKey], "ENCRYPTION_KEY"),
            (["BITAQA_ADMIN_TOKEN": "CANARYshort"], "BITAQA_ADMIN_TOKEN"),
            (["BITAQA_LOG_FORMAT": "xml"], "BITAQA_LOG_FORMAT"),
            (["BITAQA_LOG_LEVEL": "loud"], "BITAQA_LOG_LEVEL"),
            (["BITAQA_ENV": "staging"], "BITAQA_ENV"),
            (["BITAQA_BEHIND_TLS_PROXY": "maybe"], "BITAQA_BEHIND_TLS_PROXY"),
            (["BITAQA_PUBLIC_URL": "ftp://x"], "BITAQA_PUBLIC_URL"),
            (["ONECLICKDZ_BASE_URL": "not a url"], "ONECLICKDZ_BASE_URL"),
            (["BITAQA_SANDBOX_FAULT_5XX": "1.5"], "BITAQA_SANDBOX_FAULT_5XX"),
            (["BITAQA_SMTP_URL": "http://u:CANARY@mail:25", "BITAQA_SMTP_FROM": "a@b.dz"], "BITAQA_SMTP_URL"),
            (["BITAQA_SMTP_URL": "smtp://u:CANARY@mail:587"], "BITAQA_SMTP_FROM"),
            (
                ["BITAQA_SMS_URL": "http://sms", "BITAQA_SMS_ACCOUNT_SID": "AC1", "BITAQA_SMS_AUTH_TOKEN": "CANARY"],
                "BITAQA_SMS_FROM"
            ),
            (["BITAQA_EMAIL_MODE": "fax"], "BITAQA_EMAIL_MODE"),
            (["BITAQA_WEBHOOK_URL": "ftp://shop.dz/hooks"], "BITAQA_WEBHOOK_URL"),
            (["BITAQA_WEBHOOK_URL": "https://shop.dz/hooks"], "BITAQA_WEBHOOK_SECRET"),
            (
                ["BITAQA_WEBHOOK_URL": "https://shop.dz/hooks", "BITAQA_WEBHOOK_SECRET": "whsec_Q0FOQVJZ"],
                "BITAQA_WEBHOOK_SECRET"
            ),
            (
                ["BITAQA_WEBHOOK_URL": "https://shop.dz/hooks", "BITAQA_WEBHOOK_SECRET": "CANARY-not-whsec"],
                "BITAQA_WEBHOOK_SECRET"
            ),
            (
                [
                    "BITAQA_WEBHOOK_URL": "https://shop.dz/hooks",
                    "BITAQA_WEBHOOK_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                    "BITAQA_WEBHOOK_EVENTS": "order.eaten",
                ], "BITAQA_WEBHOOK_EVENTS"
            ),
            (["BITAQA_BALANCE_ALERT_BELOW": "-5"], "BITAQA_BALANCE_ALERT_BELOW"),
            (["BITAQA_JWT_SECRET": "CANARY-too-short"], "BITAQA_JWT_SECRET"),
            (["BITAQA_RATE_LIMIT_REVEALS": "many"], "BITAQA_RATE_LIMIT_REVEALS"),
            (["BITAQA_POLL_INTERVAL": "0"], "BITAQA_POLL_INTERVAL"),
            (["BITAQA_LEASE_SECONDS": "-1"], "BITAQA_LEASE_SECONDS"),
            (["BITAQA_SANDBOX_RESOLVE_MIN": "10", "BITAQA_SANDBOX_RESOLVE_MAX": "5"], "BITAQA_SANDBOX_RESOLVE_MIN"),
            (["BITAQA_HTTP_MAX_BODY_BYTES": "10"], "BITAQA_HTTP_MAX_BODY_BYTES"),
            (["BITAQA_HTTP_MAX_HEADER_BYTES": "lots"], "BITAQA_HTTP_MAX_HEADER_BYTES"),
            (["BITAQA_HTTP_IDLE_TIMEOUT": "0"], "BITAQA_HTTP_IDLE_TIMEOUT"),
            (["BITAQA_DATABASE_POOL_SIZE": "0"], "BITAQA_DATABASE_POOL_SIZE"),
            (["BITAQA_DELIVERY_CONCURRENCY": "1000"], "BITAQA_DELIVERY_CONCURRENCY"),
            (["BITAQA_DELIVERY_RETRY_BASE": "60", "BITAQA_DELIVERY_RETRY_CAP": "10"], "BITAQA_DELIVERY_RETRY_BASE"),
            (["BITAQA_SHUTDOWN_TIMEOUT": "0"], "BITAQA_SHUTDOWN_TIMEOUT"),
            (["ONECLICKDZ_TIMEOUT": "0"], "ONECLICKDZ_TIMEOUT"),
            (["BITAQA_TRUSTED_PROXIES": "10.0.0.1, proxy.local"], "BITAQA_TRUSTED_PROXIES"),
            (["BITAQA_TLS_CERT_FILE": "/nonexistent.pem"], "BITAQA_TLS_KEY_FILE"),
            (
                ["BITAQA_TLS_CERT_FILE": "/nonexistent.pem", "BITAQA_TLS_KEY_FILE": "/nonexistent.key"],
                "BITAQA_TLS_CERT_FILE"
            ),
        ])
    func refused(environment: [String: String], setting: String) {
        do {
            _ = try Self.read(environment)
            Issue.record("accepted \(environment)")
        } catch {
            #expect(error.setting == setting)
            #expect(!error.description.contains("CANARY"))
            #expect(!error.description.contains(Self.key))
        }
    }

    @Test(
        "production refuses what development forgives",
        arguments: [
            ([String: String](), "ENCRYPTION_KEY"),
            (["ENCRYPTION_KEY": key], "BITAQA_ADMIN_TOKEN"),
            (
                ["ENCRYPTION_KEY": key, "BITAQA_ADMIN_TOKEN": "0123456789abcdef", "BITAQA_HTTP_HOST": "0.0.0.0"],
                "BITAQA_HTTP_HOST"
            ),
            (["ENCRYPTION_KEY": key, "BITAQA_ADMIN_TOKEN": "0123456789abcdef"], "ONECLICKDZ_API_KEY"),
            (
                ["ENCRYPTION_KEY": key, "BITAQA_ADMIN_TOKEN": "0123456789abcdef", "ONECLICKDZ_API_KEY": "k"],
                "BITAQA_JWT_SECRET"
            ),
            (
                [
                    "ENCRYPTION_KEY": key, "BITAQA_ADMIN_TOKEN": "0123456789abcdef", "ONECLICKDZ_API_KEY": "k",
                    "BITAQA_JWT_SECRET": String(repeating: "j", count: 32),
                ],
                "BITAQA_JWT_ISSUER"
            ),
            (
                [
                    "ENCRYPTION_KEY": key, "BITAQA_ADMIN_TOKEN": "0123456789abcdef", "ONECLICKDZ_API_KEY": "k",
                    "BITAQA_JWT_SECRET": String(repeating: "j", count: 32), "BITAQA_JWT_ISSUER": "https://shop.dz",
                ],
                "BITAQA_JWT_AUDIENCE"
            ),
        ])
    func production(environment: [String: String], setting: String) {
        var environment = environment
        environment["BITAQA_ENV"] = "production"
        #expect(throws: ConfigurationError.self) { try Self.read(environment) }
        do { _ = try Self.read(environment) } catch { #expect(error.setting == setting) }
    }

    @Test("production accepts a complete, safe configuration")
    func productionComplete() throws {
        let base = [
            "BITAQA_ENV": "production", "ENCRYPTION_KEY": Self.key, "BITAQA_ADMIN_TOKEN": "0123456789abcdef",
            "ONECLICKDZ_API_KEY": "production-key", "BITAQA_JWT_SECRET": String(repeating: "j", count: 32),
            "BITAQA_JWT_ISSUER": "https://shop.dz", "BITAQA_JWT_AUDIENCE": "bitaqa",
        ]
        _ = try Self.read(base)
        _ = try Self.read(base.merging(["BITAQA_HTTP_HOST": "0.0.0.0", "BITAQA_BEHIND_TLS_PROXY": "true"]) { $1 })
        // Webhooks: https anywhere, plain http only to loopback.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        let webhooks = try Self.read(
            base.merging([
                "BITAQA_WEBHOOK_URL": "https://shop.dz/hooks", "BITAQA_WEBHOOK_SECRET": secret,
                "BITAQA_WEBHOOK_EVENTS": "order.fulfilled, delivery.failed",
            ]) { $1 }
        ).webhooks.settings
        #expect(webhooks?.types == [.orderFulfilled, .deliveryFailed] && webhooks?.secrets.count == 1)
        _ = try Self.read(
            base.merging(["BITAQA_WEBHOOK_URL": "http://127.0.0.1:9000/hooks", "BITAQA_WEBHOOK_SECRET": secret]) { $1 })
        do {
            _ = try Self.read(
                base.merging(["BITAQA_WEBHOOK_URL": "http://shop.dz/hooks", "BITAQA_WEBHOOK_SECRET": secret]) { $1 })
            Issue.record("plain http to another host accepted in production")
        } catch {
            #expect(error.setting == "BITAQA_WEBHOOK_URL")
        }
    }
}

@Suite("Development secrets")
struct DevelopmentSecretsTests {
    @Test("a missing key and token are generated once, mode 0600, and reused")
    func generatedOnce() async throws {
        let settings = ["ENCRYPTION_KEY": "", "BITAQA_ADMIN_TOKEN": ""]
        let logs = LogCapture()
        let first = try await TestApp.run(settings: settings, logs: logs) { client, directory in
            let keyPath = directory.path + "/dev-encryption.key"
            let tokenPath = directory.path + "/dev-admin-token"
            let key = try String(contentsOfFile: keyPath, encoding: .utf8).trimmingCharacters(
                in: .whitespacesAndNewlines)
            let token = try String(contentsOfFile: tokenPath, encoding: .utf8).trimmingCharacters(
                in: .whitespacesAndNewlines)
            #expect(key.count == 64 && Hex.isHex(key))
            for path in [keyPath, tokenPath] {
                let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
                #expect(mode == 0o600)
            }
            let response = try await client.execute(
                uri: "/v1/orders/x", method: .get, headers: [.authorization: "Bearer \(token)"])
            #expect(response.status == .notFound)
            return (key, token)
        }
        #expect(logs.text.contains("NO ENCRYPTION KEY CONFIGURED"))
        #expect(!logs.text.contains(first.0))
        #expect(!logs.text.contains(first.1))
    }
}
