import Configuration
import Foundation
import Orders

/// Webhooks to the shop's backend and the low-balance threshold.
///
/// Keys:
/// - `BITAQA_WEBHOOK_URL`: the endpoint (https; http only on a loopback host or in development).
/// - `BITAQA_WEBHOOK_SECRET`: `whsec_` + base64 of at least 24 bytes (`bitaqa webhooks secret`);
///   required with the URL. `BITAQA_WEBHOOK_SECRET_PREVIOUS`: during a rotation, signs too.
/// - `BITAQA_WEBHOOK_EVENTS`: comma-separated types to send (default all).
/// - `BITAQA_WEBHOOK_RETRY_SCALE`: multiplies the retry schedule (default 1; tests shrink it).
/// - `BITAQA_BALANCE_ALERT_BELOW`: DZD under which `account.balance_low` is sent (default 0, off).
public struct WebhookConfiguration: Sendable {
    /// Nil when no URL is set: no message is written or sent.
    public var settings: WebhookSettings?
    public var balanceAlertBelow: Double

    init(reader: ConfigReader, development: Bool) throws(ConfigurationError) {
        let root = SettingsReader(reader, scope: ["bitaqa"])
        balanceAlertBelow = try root.double("balance.alert.below", default: 0, range: 0...1_000_000_000)
        guard let url = root.string("webhook.url") else {
            settings = nil
            return
        }
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), let host = parsed.host,
            ["http", "https"].contains(scheme)
        else { throw ConfigurationError("BITAQA_WEBHOOK_URL", "is not an http(s) URL") }
        let loopback = ["127.0.0.1", "::1", "localhost"].contains(host.lowercased())
        guard scheme == "https" || loopback || development else {
            throw ConfigurationError("BITAQA_WEBHOOK_URL", "must be https (http only on loopback or in development)")
        }
        guard let raw = root.string("webhook.secret", secret: true) else {
            throw ConfigurationError(
                "BITAQA_WEBHOOK_SECRET", "is required with BITAQA_WEBHOOK_URL; create one with `bitaqa webhooks secret`"
            )
        }
        guard let current = WebhookSecret(raw) else {
            throw ConfigurationError("BITAQA_WEBHOOK_SECRET", "must be whsec_ followed by base64 of at least 24 bytes")
        }
        var secrets = [current]
        rawSecrets = [raw]
        if let previous = root.string("webhook.secret.previous", secret: true) {
            guard let parsed = WebhookSecret(previous) else {
                throw ConfigurationError(
                    "BITAQA_WEBHOOK_SECRET_PREVIOUS", "must be whsec_ followed by base64 of at least 24 bytes")
            }
            secrets.append(parsed)
            rawSecrets.append(previous)
        }
        var types = Set(WebhookEventType.allCases)
        if let list = root.string("webhook.events") {
            types = []
            for name in list.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty
            {
                guard let type = WebhookEventType(rawValue: name) else {
                    throw ConfigurationError(
                        "BITAQA_WEBHOOK_EVENTS",
                        "names an unknown event; known: \(WebhookEventType.allCases.map(\.rawValue).joined(separator: ", "))"
                    )
                }
                types.insert(type)
            }
        }
        let scale = try root.double("webhook.retry.scale", default: 1, range: 0.0001...1_000)
        settings = WebhookSettings(url: url, secrets: secrets, types: types, retryScale: scale)
    }

    /// The secrets as configured, for the log scrubber only.
    var rawSecrets: [String] = []
}
