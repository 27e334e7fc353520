import ArgumentParser
import AsyncHTTPClient
import BitaqaCore
import BitaqaServer
import CardVault
import Configuration
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import OneClickDZ
import SMTP
import SQLKit
import Storage

/// `bitaqa doctor`: is this configuration ready to serve? Checks each part the way `serve` would use
/// it and prints a table; secrets are never printed, only whether they are set and whether they work.
struct Doctor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the configuration, database, upstream key, SMTP server, SMS endpoint and key ring; print what is ready.",
        discussion: "Exit code 0 when everything configured is ready, 1 when something is not, 2 when the configuration cannot be read."
    )

    @OptionGroup var common: CommonOptions

    @Option(help: "Seconds to wait for each network check.")
    var timeout: Double = 10

    struct Row {
        enum State: String { case ready, notReady = "NOT READY", skipped }
        let check: String
        let state: State
        let detail: String
    }

    func run() async throws {
        let reader = try await ConfigurationSource.reader(options: common.values())
        let configuration: BitaqaConfiguration
        do {
            configuration = try BitaqaConfiguration(reader: reader)
        } catch {
            Self.print([Row(check: "configuration", state: .notReady, detail: error.description)], scrubber: SecretScrubber())
            throw ExitCode(2)
        }
        let scrubber = SecretScrubber()
        registerSecretsForScrubbing(configuration, nil, in: scrubber)
        var logger = Logger(label: "doctor", factory: { _ in SwiftLogNoOpLogHandler() })
        logger.logLevel = .critical

        var rows = [Row(check: "configuration", state: .ready, detail: "\(configuration.environment.rawValue), every setting valid")]
        rows.append(await database(configuration, logger: logger))
        rows.append(keyRing(configuration, logger: logger))
        rows.append(await upstream(configuration, logger: logger))
        rows.append(await smtp(configuration, logger: logger))
        rows.append(await sms(configuration))
        Self.print(rows, scrubber: scrubber)
        if rows.contains(where: { $0.state == .notReady }) { throw ExitCode(1) }
    }

    static func print(_ rows: [Row], scrubber: SecretScrubber) {
        let width = max(13, rows.map(\.check.count).max() ?? 0)
        let stateWidth = 9
        Swift.print("\("check".padding(toLength: width, withPad: " ", startingAt: 0))  \("state".padding(toLength: stateWidth, withPad: " ", startingAt: 0))  detail")
        for row in rows {
            Swift.print(
                "\(row.check.padding(toLength: width, withPad: " ", startingAt: 0))  "
                    + "\(row.state.rawValue.padding(toLength: stateWidth, withPad: " ", startingAt: 0))  "
                    + scrubber.scrub(row.detail)
            )
        }
    }

    func database(_ configuration: BitaqaConfiguration, logger: Logger) async -> Row {
        let location = configuration.storage.database
        let store: Store
        do {
            store = try await Store.open(location, logger: logger)
        } catch {
            return Row(check: "database", state: .notReady, detail: "\(location): \(Self.describe(error))")
        }
        do {
            let applied = try await Migrator(store: store, logger: logger).appliedVersions()
            let latest = Migrator.latestVersion
            let current = applied.max() ?? 0
            guard current == latest else {
                await store.shutdown()
                return Row(check: "database", state: .notReady, detail: "\(location): schema \(current) of \(latest); run `bitaqa migrate`")
            }
            let cards = try await store.sql.raw("SELECT COUNT(*) AS n FROM orders WHERE sealed_card IS NOT NULL").first()?
                .decode(column: "n", as: Int.self) ?? 0
            await store.shutdown()
            return Row(check: "database", state: .ready, detail: "\(location): schema \(latest), \(cards) stored cards")
        } catch {
            await store.shutdown()
            return Row(check: "database", state: .notReady, detail: "\(location): \(Self.describe(error))")
        }
    }

    func keyRing(_ configuration: BitaqaConfiguration, logger: Logger) -> Row {
        if configuration.security.encryptionKeys.isEmpty {
            let state: Row.State = configuration.environment == .production ? .notReady : .ready
            return Row(check: "key ring", state: state, detail: "no ENCRYPTION_KEY/BITAQA_ENCRYPTION_KEYS: development key file in the data folder")
        }
        do {
            let ring = try KeyRing(keys: configuration.security.encryptionKeys)
            return Row(
                check: "key ring", state: .ready,
                detail: "\(ring.keyIDs.count) key(s), active \(ring.activeKeyID.hex), ids \(ring.keyIDs.map(\.hex).joined(separator: ","))"
            )
        } catch {
            return Row(check: "key ring", state: .notReady, detail: error.description)
        }
    }

    func upstream(_ configuration: BitaqaConfiguration, logger: Logger) async -> Row {
        let settings = configuration.upstream
        guard let key = settings.apiKey else {
            let state: Row.State = configuration.environment == .production ? .notReady : .ready
            return Row(check: "upstream", state: state, detail: "no ONECLICKDZ_API_KEY: `serve` runs the sandbox in-process")
        }
        let client = OneClickDZClient(
            configuration: UpstreamConfiguration(
                baseURL: settings.baseURL, apiKey: key, secondaryKey: settings.secondaryKey,
                requestTimeout: .milliseconds(Int64(timeout * 1000)), retry: RetryPolicy(maxAttempts: 1)
            ),
            logger: logger
        )
        do {
            let info = try await client.validate()
            await client.shutdown()
            let kind = info.type ?? "unknown type"
            let enabled = info.isEnabled ?? true
            let production = configuration.environment == .production
            if !enabled { return Row(check: "upstream", state: .notReady, detail: "\(settings.baseURL): the key is disabled") }
            if production && kind.uppercased() == "SANDBOX" {
                return Row(check: "upstream", state: .notReady, detail: "\(settings.baseURL): a SANDBOX key in production")
            }
            if (info.scope ?? "").uppercased() == "READ-ONLY" {
                return Row(check: "upstream", state: .notReady, detail: "\(settings.baseURL): \(kind) key with READ-ONLY scope cannot send")
            }
            return Row(check: "upstream", state: .ready, detail: "\(settings.baseURL): \(kind) key, scope \(info.scope ?? "unknown")")
        } catch {
            await client.shutdown()
            return Row(check: "upstream", state: .notReady, detail: "\(settings.baseURL): \(error)")
        }
    }

    func smtp(_ configuration: BitaqaConfiguration, logger: Logger) async -> Row {
        let messaging = configuration.messaging
        guard let url = messaging.smtpURL else {
            let state: Row.State = configuration.environment == .production ? .skipped : .ready
            return Row(check: "smtp", state: state, detail: "no BITAQA_SMTP_URL: " + (state == .ready ? "emails go to the outbox folder" : "orders asking for email are refused"))
        }
        do {
            let settings = try SMTPConfiguration(url: url.unsafeRevealed, caFile: messaging.smtpCAFile, heloName: "bitaqa")
            let established = try await SMTPClient(configuration: settings, logger: logger).verify()
            return Row(check: "smtp", state: .ready, detail: "\(settings.host):\(settings.port): connected, \(established)")
        } catch {
            return Row(check: "smtp", state: .notReady, detail: error.description)
        }
    }

    func sms(_ configuration: BitaqaConfiguration) async -> Row {
        guard let sms = configuration.messaging.sms else {
            let state: Row.State = configuration.environment == .production ? .skipped : .ready
            return Row(check: "sms", state: state, detail: "no BITAQA_SMS_URL: " + (state == .ready ? "SMS go to the outbox folder" : "orders asking for SMS are refused"))
        }
        // Reachability only: any HTTP answer from the API's host means it is there; sending would cost money.
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(Int64(timeout)))))
        do {
            let response = try await http.execute(HTTPClientRequest(url: sms.url), timeout: .milliseconds(Int64(timeout * 1000)))
            try? await http.shutdown()
            return Row(check: "sms", state: .ready, detail: "\(sms.url): reachable (HTTP \(response.status.code)); credentials not tried")
        } catch {
            try? await http.shutdown()
            return Row(check: "sms", state: .notReady, detail: "\(sms.url): unreachable (\(type(of: error)))")
        }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseURLError { return error.description }
        return String(describing: type(of: error))
    }
}
