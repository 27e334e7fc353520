import AsyncHTTPClient
import BitaqaCore
import CardVault
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import OneClickDZ
import Orders
import SMTP
import Storage

/// `bitaqa doctor`'s checks: each part of the configuration tried the way `serve` would use it.
/// Secrets are never in a row, only whether they are set and whether they work.
public enum ReadinessChecks {
    /// One line of the report.
    public struct Row: Sendable {
        public enum State: String, Sendable {
            case ready
            case notReady = "NOT READY"
            case skipped
        }
        public let check: String
        public let state: State
        public let detail: String

        public init(check: String, state: State, detail: String) {
            self.check = check
            self.state = state
            self.detail = detail
        }
    }

    /// Every check, in the order the report shows them.
    ///
    /// - Parameter timeout: seconds to wait for each network check.
    public static func run(_ configuration: BitaqaConfiguration, timeout: Double) async -> [Row] {
        var logger = Logger(label: "doctor", factory: { _ in SwiftLogNoOpLogHandler() })
        logger.logLevel = .critical
        var rows = [
            Row(
                check: "configuration", state: .ready,
                detail: "\(configuration.environment.rawValue), every setting valid")
        ]
        rows.append(await database(configuration, logger: logger))
        rows.append(keyRing(configuration, logger: logger))
        rows.append(await upstream(configuration, timeout: timeout, logger: logger))
        rows.append(await smtp(configuration, logger: logger))
        rows.append(await sms(configuration, timeout: timeout))
        return rows
    }

    static func database(_ configuration: BitaqaConfiguration, logger: Logger) async -> Row {
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
                return Row(
                    check: "database", state: .notReady,
                    detail: "\(location): schema \(current) of \(latest); run `bitaqa migrate`")
            }
            let cards = try await SQLCardRepository(store: store).countStored()
            await store.shutdown()
            return Row(check: "database", state: .ready, detail: "\(location): schema \(latest), \(cards) stored cards")
        } catch {
            await store.shutdown()
            return Row(check: "database", state: .notReady, detail: "\(location): \(Self.describe(error))")
        }
    }

    static func keyRing(_ configuration: BitaqaConfiguration, logger: Logger) -> Row {
        if configuration.security.encryptionKeys.isEmpty {
            let state: Row.State = configuration.environment == .production ? .notReady : .ready
            return Row(
                check: "key ring", state: state,
                detail: "no ENCRYPTION_KEY/BITAQA_ENCRYPTION_KEYS: development key file in the data folder")
        }
        do {
            let ring = try KeyRing(keys: configuration.security.encryptionKeys)
            return Row(
                check: "key ring", state: .ready,
                detail:
                    "\(ring.keyIDs.count) key(s), active \(ring.activeKeyID.hex), ids \(ring.keyIDs.map(\.hex).joined(separator: ","))"
            )
        } catch {
            return Row(check: "key ring", state: .notReady, detail: error.description)
        }
    }

    static func upstream(_ configuration: BitaqaConfiguration, timeout: Double, logger: Logger) async -> Row {
        let settings = configuration.upstream
        guard settings.apiKey != nil else {
            let state: Row.State = configuration.environment == .production ? .notReady : .ready
            return Row(
                check: "upstream", state: state, detail: "no ONECLICKDZ_API_KEY: `serve` runs the sandbox in-process")
        }
        // The client `serve` would use, with one attempt and the doctor's timeout.
        let resources = Resources()
        let upstream: Upstream
        do {
            upstream = try Upstream.make(
                configuration, worker: "doctor", sandboxIfNoKey: false, resources: resources,
                scrubber: SecretScrubber(), logger: logger,
                requestTimeout: .seconds(decimal: timeout), retry: RetryPolicy(maxAttempts: 1)
            )
        } catch {
            await resources.closeAll()
            return Row(check: "upstream", state: .notReady, detail: "\(settings.baseURL): \(error)")
        }
        let client = upstream.client
        do {
            let info = try await client.validate()
            await resources.closeAll()
            let kind = info.type ?? "unknown type"
            let enabled = info.isEnabled ?? true
            let production = configuration.environment == .production
            if !enabled {
                return Row(check: "upstream", state: .notReady, detail: "\(settings.baseURL): the key is disabled")
            }
            if production && kind.uppercased() == "SANDBOX" {
                return Row(
                    check: "upstream", state: .notReady, detail: "\(settings.baseURL): a SANDBOX key in production")
            }
            if (info.scope ?? "").uppercased() == "READ-ONLY" {
                return Row(
                    check: "upstream", state: .notReady,
                    detail: "\(settings.baseURL): \(kind) key with READ-ONLY scope cannot send")
            }
            return Row(
                check: "upstream", state: .ready,
                detail: "\(settings.baseURL): \(kind) key, scope \(info.scope ?? "unknown")")
        } catch {
            await resources.closeAll()
            return Row(check: "upstream", state: .notReady, detail: "\(settings.baseURL): \(error)")
        }
    }

    static func smtp(_ configuration: BitaqaConfiguration, logger: Logger) async -> Row {
        let messaging = configuration.messaging
        guard let url = messaging.smtpURL else {
            let state: Row.State = configuration.environment == .production ? .skipped : .ready
            return Row(
                check: "smtp", state: state,
                detail: "no BITAQA_SMTP_URL: "
                    + (state == .ready ? "emails go to the outbox folder" : "orders asking for email are refused"))
        }
        do {
            let settings = try SMTPConfiguration(
                url: url.unsafeRevealed, caFile: messaging.smtpCAFile, heloName: "bitaqa")
            let established = try await SMTPClient(configuration: settings, logger: logger).verify()
            return Row(
                check: "smtp", state: .ready, detail: "\(settings.host):\(settings.port): connected, \(established)")
        } catch {
            return Row(check: "smtp", state: .notReady, detail: error.description)
        }
    }

    static func sms(_ configuration: BitaqaConfiguration, timeout: Double) async -> Row {
        guard let sms = configuration.messaging.sms else {
            let state: Row.State = configuration.environment == .production ? .skipped : .ready
            return Row(
                check: "sms", state: state,
                detail: "no BITAQA_SMS_URL: "
                    + (state == .ready ? "SMS go to the outbox folder" : "orders asking for SMS are refused"))
        }
        // Reachability only: any HTTP answer from the API's host means it is there; sending would cost money.
        let http = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .init(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(Int64(timeout)))))
        do {
            let response = try await http.execute(
                HTTPClientRequest(url: sms.url), timeout: .milliseconds(Int64(timeout * 1000)))
            try? await http.shutdown()
            return Row(
                check: "sms", state: .ready,
                detail: "\(sms.url): reachable (HTTP \(response.status.code)); credentials not tried")
        } catch {
            try? await http.shutdown()
            return Row(check: "sms", state: .notReady, detail: "\(sms.url): unreachable (\(type(of: error)))")
        }
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseURLError { return error.description }
        return String(describing: type(of: error))
    }
}
