import BitaqaCore
import Configuration
import Foundation
import Orders

/// Operator alerts by email.
///
/// Keys:
/// - `BITAQA_ALERT_EMAIL`: one or more addresses, comma-separated; without it, no alert is judged or sent.
/// - `BITAQA_ALERT_LOCALE`: `fr` (default), `ar` or `en`.
/// - `BITAQA_ALERT_REPEAT`: at most one email per condition per this many seconds (default 3600).
/// - `BITAQA_ALERT_CHECK_INTERVAL`: seconds between evaluations (default 15).
/// - `BITAQA_ALERT_UPSTREAM_DOWN_AFTER`: seconds of failed upstream reads before `upstream_down` (default 300).
/// - `BITAQA_BALANCE_REFRESH`: seconds between reads of the upstream balance (default 25).
public struct AlertConfiguration: Sendable {
    public var recipients: [String]
    public var locale: CustomerLocale
    public var repeatEvery: Duration
    public var interval: Duration
    public var upstreamDownAfter: Duration
    public var balanceRefresh: Duration

    init(reader: ConfigReader) throws(ConfigurationError) {
        let root = SettingsReader(reader, scope: ["bitaqa"])
        recipients = []
        if let list = root.string("alert.email") {
            for address in list.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) })
            where !address.isEmpty {
                guard ContactRules.isValidEmail(address) else {
                    throw ConfigurationError("BITAQA_ALERT_EMAIL", "holds an address that is not an email address")
                }
                recipients.append(address)
            }
        }
        locale = try root.choice("alert.locale", default: CustomerLocale.fr)
        repeatEvery = try root.duration("alert.repeat", default: 3_600, range: 0.01...604_800)
        interval = try root.duration("alert.check.interval", default: 15, range: 0.01...3_600)
        upstreamDownAfter = try root.duration("alert.upstream.down.after", default: 300, range: 0.01...86_400)
        balanceRefresh = try root.duration("balance.refresh", default: 25, range: 0.05...3_600)
    }
}

/// The merchant console.
///
/// Keys: `BITAQA_CONSOLE` (`true`; `false` turns `/console` off) and `BITAQA_CONSOLE_SESSION` (seconds a
/// session lasts, default 28800, 8 hours).
public struct ConsoleSettings: Sendable {
    public var enabled: Bool
    public var session: Duration

    init(reader: ConfigReader) throws(ConfigurationError) {
        let root = SettingsReader(reader, scope: ["bitaqa"])
        enabled = try root.bool("console", default: true)
        session = try root.duration("console.session", default: 28_800, range: 60...604_800)
    }
}
