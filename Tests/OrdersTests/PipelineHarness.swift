import Audit
import BitaqaCore
import BitaqaTestSupport
import CardVault
import Foundation
import HummingbirdTesting
import Logging
import Messaging
import NIOConcurrencyHelpers
import OneClickDZ
import OneClickDZSandbox
import Orders
import Storage

/// A manual clock for the tracker's schedule.
final class ManualClock: Sendable {
    private let value: NIOLockedValueBox<Int64>

    init(_ start: Int64 = TimeSource.system.now()) {
        value = NIOLockedValueBox(start)
    }

    var now: Int64 { value.withLockedValue { $0 } }
    func advance(seconds: Double) { value.withLockedValue { $0 += Int64(seconds * 1000) } }
    var source: TimeSource { TimeSource { self.now } }
}

/// The real tracker and deliverer on a real database, against the sandbox over HTTP, delivering to
/// the outbox (or to channels a test supplies).
struct PipelineHarness: Sendable {
    let store: Store
    let client: OneClickDZClient
    let sandbox: SandboxServer
    let vault: CardVault
    let outbox: String
    let tracker: Tracker
    let deliverer: Deliverer
    let logs: LogCapture

    static func run(
        on database: TestDatabase,
        sandbox settings: SandboxSettings = .fast(),
        schedule: TrackingSchedule = TrackingSchedule(
            pollInterval: .milliseconds(20), queuedEarly: .milliseconds(100)),
        time: TimeSource = .system,
        channels: (@Sendable ([DeliveryChannel: any MessageChannel]) -> [DeliveryChannel: any MessageChannel])? = nil,
        backoff: DeliveryBackoff = DeliveryBackoff(maxAttempts: 5, base: .milliseconds(10), cap: .milliseconds(50)),
        line: any SingleCodeLine = InternetTopups(),
        _ body: @Sendable (PipelineHarness) async throws -> Void
    ) async throws {
        let sandbox = SandboxServer(settings: settings)
        let app = sandbox.application(host: "127.0.0.1", port: 0, logger: TestDatabase.quietLogger)
        try await database.withStore { store, _ in
            try await app.test(.live) { client in
                let logs = LogCapture()
                let directory = try TemporaryDirectory()
                defer { directory.remove() }
                let upstream = OneClickDZClient(
                    configuration: UpstreamConfiguration(
                        baseURL: "http://127.0.0.1:\(client.port!)", apiKey: Secret("pipeline-key-CANARY"),
                        retry: RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(1), maxDelay: .milliseconds(5)),
                        rateLimiter: nil
                    ),
                    logger: logs.logger()
                )
                let vault = CardVault(keyRing: try KeyRing(keys: [SecretBytes.random(count: 32)]))
                let outbox = OutboxChannel(directory: directory.path + "/outbox")
                let defaultChannels: [DeliveryChannel: any MessageChannel] = [.email: outbox, .sms: outbox]
                let harness = PipelineHarness(
                    store: store, client: upstream, sandbox: sandbox, vault: vault, outbox: outbox.directory,
                    tracker: Tracker(
                        store: store, client: upstream, vault: vault, schedule: schedule,
                        time: time, logger: logs.logger(), owner: "tracker-test", lease: .seconds(5)
                    ),
                    deliverer: Deliverer(
                        store: store, cards: CardReader(vault: vault, audit: AuditTrail(store: store, keys: nil)),
                        binder: ContactBinder(ring: vault.keyRing),
                        channels: channels?(defaultChannels) ?? defaultChannels, backoff: backoff, time: time,
                        logger: logs.logger(), owner: "deliverer-test", lease: .seconds(5), line: line
                    ),
                    logs: logs
                )
                do {
                    try await body(harness)
                    await upstream.shutdown()
                } catch {
                    await upstream.shutdown()
                    throw error
                }
                // No card code, nor the key, in anything the pipeline logged.
                let codes = await sandbox.issuedCardCodes()
                let hits = CanarySearch(
                    Dictionary(
                        uniqueKeysWithValues: codes.enumerated().map { ("card \($0.offset)", $0.element) } + [
                            ("key", "pipeline-key-CANARY")
                        ])
                )
                .hits(in: ["pipeline log": Array(logs.text.utf8)])
                if !hits.isEmpty { throw PipelineLeak(hits: hits) }
            }
        }
    }

    /// Places a top-up upstream and registers it, as `POST /v1/orders/send` does.
    func place(
        number: String = "036362608", type: CardType = .adsl, value: Int = 500,
        channels: [DeliveryChannel] = [.email, .sms],
        now: Int64 = TimeSource.system.now()
    ) async throws -> TopupID {
        let sent = try await client.send(SendRequest(type: type, number: number, value: value))
        let topupId = TopupID(sent.topupId)!
        let order = NewOrder(
            topupId: topupId, topupRef: sent.topupRef, userId: UserID("buyer-\(sent.topupId.suffix(4))")!,
            cardType: type,
            number: number, value: value, email: channels.contains(.email) ? "buyer@shop.dz" : nil,
            phone: channels.contains(.sms) ? "+213551234567" : nil, locale: .fr, channels: channels,
            fingerprint: sent.topupId
        )
        _ = try await SQLOrderRepository(store: store).register(
            ContactBinder(ring: vault.keyRing).bound(order), now: now, firstCheckAt: now)
        return topupId
    }

    /// Runs tracker and deliverer passes until `done` holds or `timeout` passes; returns whether it held.
    @discardableResult
    func runUntil(timeout: Duration = .seconds(15), _ done: @Sendable () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            try await tracker.pass()
            try await deliverer.pass()
            if try await done() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    /// Runs tracker passes alone until the order is fulfilled (its card stored, its deliveries due).
    func trackUntilFulfilled(_ id: TopupID) async throws -> Bool {
        for _ in 0..<500 where try await order(id).status != .fulfilled {
            try await tracker.pass()
            try await Task.sleep(for: .milliseconds(10))
        }
        return try await order(id).status == .fulfilled
    }

    func order(_ id: TopupID) async throws -> OrderRecord {
        try await SQLOrderRepository(store: store).find(id)!
    }

    func deliveries(_ id: TopupID) async throws -> [DeliveryRecord] {
        try await SQLOrderRepository(store: store).deliveries(of: id)
    }

    func allDelivered(_ ids: [TopupID]) async throws -> Bool {
        for id in ids {
            let list = try await deliveries(id)
            if list.isEmpty || list.contains(where: { $0.state != .delivered }) { return false }
        }
        return true
    }

    /// The outbox files of one order, as (channel, content).
    func outboxFiles(_ id: TopupID) -> [(String, String)] {
        var found: [(String, String)] = []
        for channel in ["email", "sms"] {
            let folder = outbox + "/" + channel
            for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            where name.hasPrefix(id.rawValue + ".") {
                found.append((channel, (try? String(contentsOfFile: folder + "/" + name, encoding: .utf8)) ?? ""))
            }
        }
        return found
    }

    func auditKinds(_ id: TopupID) async throws -> [AuditKind] {
        try await AuditTrail(store: store, keys: nil).events(of: id).map(\.event.kind)
    }
}

struct PipelineLeak: Error, CustomStringConvertible {
    let hits: [String]
    var description: String { "leaked: " + hits.joined(separator: "; ") }
}
