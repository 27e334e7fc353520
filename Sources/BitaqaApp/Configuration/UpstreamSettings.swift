import BitaqaCore
import Configuration
import Foundation
import OneClickDZ
import OneClickDZSandbox

/// The OneClickDz upstream, and the sandbox that stands in for it.
///
/// Keys:
/// - `ONECLICKDZ_API_KEY`: sent as `X-Access-Token` (secret). Unset in development: `serve` runs the
///   sandbox in-process. Required in production.
/// - `ONECLICKDZ_API_KEY_SECONDARY`: tried once on 401 (secret).
/// - `ONECLICKDZ_BASE_URL`: default `https://api.oneclickdz.com`; the client appends `/v3`.
/// - `ONECLICKDZ_TIMEOUT`: seconds one upstream request may take, connection included (default 15);
///   `ONECLICKDZ_CONNECT_TIMEOUT`: seconds to connect (default 5). A request past its deadline is a
///   retryable timeout.
/// - `BITAQA_SANDBOX_RESOLVE_MIN` / `BITAQA_SANDBOX_RESOLVE_MAX`: seconds before a sandbox top-up leaves
///   HANDLING (default 3 and 45).
/// - `BITAQA_SANDBOX_QUEUED_FOR`: seconds a QUEUED sandbox top-up waits before FULFILLED (default 120).
/// - `BITAQA_SANDBOX_BALANCE`: starting balance in DZD (default 1000000).
/// - `BITAQA_SANDBOX_FAULT_5XX`, `BITAQA_SANDBOX_FAULT_429`, `BITAQA_SANDBOX_FAULT_SLOW`,
///   `BITAQA_SANDBOX_FAULT_MALFORMED`: fractions (0 to 1) of requests answered 503, 429, slowly, or with
///   broken JSON; `BITAQA_SANDBOX_RETRY_AFTER` (seconds, default 1) and `BITAQA_SANDBOX_SLOW_SECONDS`
///   (default 30) shape them; `BITAQA_SANDBOX_FAULT_ROUTES` (comma-separated, e.g. `check-id`) limits
///   them to those routes.
public struct UpstreamSettings: Sendable {
    public var apiKey: Secret?
    public var secondaryKey: Secret?
    public var baseURL: String
    public var requestTimeout: Duration
    public var connectTimeout: Duration
    public var sandbox: SandboxSettings

    init(reader: ConfigReader) throws(ConfigurationError) {
        let upstream = SettingsReader(reader, scope: ["oneclickdz"])
        apiKey = upstream.string("api.key", secret: true).map(Secret.init)
        secondaryKey = upstream.string("api.key.secondary", secret: true).map(Secret.init)
        baseURL = upstream.string("base.url") ?? "https://api.oneclickdz.com"
        guard let url = URL(string: baseURL), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw ConfigurationError("ONECLICKDZ_BASE_URL", "'\(baseURL)' is not an http or https URL")
        }
        if baseURL.hasSuffix("/v3") || baseURL.hasSuffix("/v3/") {
            throw ConfigurationError("ONECLICKDZ_BASE_URL", "give the host without /v3 (the client appends it)")
        }
        requestTimeout = try upstream.duration("timeout", default: 15, range: 0.1...600)
        connectTimeout = try upstream.duration("connect.timeout", default: 5, range: 0.1...600)
        let sandbox = SettingsReader(reader, scope: ["bitaqa", "sandbox"])
        var settings = SandboxSettings()
        let low = try sandbox.double("resolve.min", default: 3, range: 0...86_400)
        let high = try sandbox.double("resolve.max", default: max(45, low), range: 0...86_400)
        guard low <= high else {
            throw ConfigurationError("BITAQA_SANDBOX_RESOLVE_MIN", "is above BITAQA_SANDBOX_RESOLVE_MAX")
        }
        settings.resolveAfter = low...high
        settings.queuedFor = try sandbox.double("queued.for", default: 120, range: 0...604_800)
        settings.balance = try sandbox.double("balance", default: 1_000_000, range: 0...1e12)
        settings.serverErrorRate = try sandbox.double("fault.5xx", default: 0, range: 0...1)
        settings.rateLimitRate = try sandbox.double("fault.429", default: 0, range: 0...1)
        settings.slowRate = try sandbox.double("fault.slow", default: 0, range: 0...1)
        settings.malformedRate = try sandbox.double("fault.malformed", default: 0, range: 0...1)
        settings.retryAfterSeconds = try sandbox.int("retry.after", default: 1, range: 0...3_600)
        settings.slowSeconds = try sandbox.double("slow.seconds", default: 30, range: 0...3_600)
        settings.faultRoutes = sandbox.string("fault.routes").map {
            $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        settings.requiredKey = apiKey?.unsafeRevealed
        self.sandbox = settings
    }
}
