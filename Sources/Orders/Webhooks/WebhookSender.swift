import AsyncHTTPClient
import Audit
import BitaqaCore
import CoreMetrics
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// Where webhooks go and how they are signed.
public struct WebhookSettings: Sendable {
    public var url: String
    /// The current secret first; during a rotation the previous one too, and both sign every message.
    public var secrets: [WebhookSecret]
    public var types: Set<WebhookEventType>
    /// Multiplies the retry schedule (tests shrink it; production keeps 1).
    public var retryScale: Double
    public var timeout: Duration
    public var concurrency: Int

    public init(
        url: String, secrets: [WebhookSecret], types: Set<WebhookEventType> = Set(WebhookEventType.allCases),
        retryScale: Double = 1, timeout: Duration = .seconds(10), concurrency: Int = 8
    ) {
        self.url = url
        self.secrets = secrets
        self.types = types
        self.retryScale = retryScale
        self.timeout = timeout
        self.concurrency = concurrency
    }

    /// Waits after each failed attempt, with ±20% jitter: about 28 hours in all, then the message is
    /// `failed` (the schedule Standard Webhooks senders commonly use).
    public static let schedule: [Duration] = [
        .seconds(5), .seconds(300), .seconds(1_800), .seconds(7_200), .seconds(18_000), .seconds(36_000),
        .seconds(36_000),
    ]
}

/// Sends the webhook outbox: claims due messages (a lease, so one process sends each), signs them,
/// POSTs them with a timeout, and records the outcome: 2xx delivered; 410 failed at once; anything else
/// retried on the schedule, then failed. Its own HTTP client and its own leases: a slow or dead receiver
/// holds up nothing but webhooks.
public struct WebhookSender: Service {
    let repositories: Repositories
    let settings: WebhookSettings
    let http: HTTPClient
    let time: TimeSource
    let logger: Logger
    let factory: any MetricsFactory
    let owner: String
    let keys: WebhookMessageKeys
    let trail: AuditTrail

    public init(
        repositories: Repositories, settings: WebhookSettings, http: HTTPClient, keys: WebhookMessageKeys,
        trail: AuditTrail, time: TimeSource, logger: Logger,
        factory: any MetricsFactory, owner: String
    ) {
        self.keys = keys
        self.trail = trail
        self.repositories = repositories
        self.settings = settings
        self.http = http
        self.time = time
        self.logger = logger
        self.factory = factory
        self.owner = owner
    }

    public func run() async throws {
        await WorkLoop.run(name: "webhooks", logger: logger, rest: rest) { try await pass() }
    }

    func rest() async -> Duration {
        let now = time.now()
        guard let next = try? await repositories.leases.nextDue(.webhooks, now: now) else { return .seconds(1) }
        return .milliseconds(min(1_000, max(20, next - now)))
    }

    /// Sends one batch of due messages; returns how many were claimed.
    @discardableResult
    public func pass() async throws -> Int {
        let claimed = try await repositories.leases.claim(
            .webhooks, owner: owner, now: time.now(), leaseMillis: (settings.timeout * 3).inMilliseconds, limit: 32)
        await WorkLoop.forEach(claimed, limit: settings.concurrency) { await self.send($0) }
        return claimed.count
    }

    private func send(_ id: String) async {
        do {
            guard let message = try await repositories.webhooks.message(id) else { return }
            guard keys.isAuthentic(message) else { return try await refuse(message) }
            let (status, error) = await post(message)
            try await record(message, status: status, error: error)
        } catch {
            logger.warning(
                "webhook not recorded", metadata: ["webhook_id": "\(id)", "error.type": "\(type(of: error))"])
        }
    }

    /// One attempt: the status the receiver answered, or the class of the failure.
    private func post(_ message: WebhookMessageRecord) async -> (Int?, String?) {
        let timestamp = time.now() / 1000
        var request = HTTPClientRequest(url: settings.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Bitaqa-Webhooks/\(BitaqaVersion.current)")
        request.headers.add(name: "webhook-id", value: message.id)
        request.headers.add(name: "webhook-timestamp", value: String(timestamp))
        request.headers.add(
            name: "webhook-signature",
            value: WebhookSignature.header(
                id: message.id, timestamp: timestamp, body: message.body, secrets: settings.secrets))
        request.body = .bytes(ByteBuffer(string: message.body))
        do {
            let response = try await http.execute(request, timeout: TimeAmount(settings.timeout))
            _ = try? await response.body.collect(upTo: 64 * 1024)
            return (Int(response.status.code), nil)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            return (nil, "timeout")
        } catch {
            return (nil, "connection")
        }
    }

    /// A message the outbox did not queue, or changed since: failed for good, never signed, audited.
    private func refuse(_ message: WebhookMessageRecord) async throws {
        let now = time.now()
        try await repositories.webhooks.recordAttempt(
            message.id, owner: owner, state: .failed, status: nil, error: "unauthenticated", nextAttemptAt: nil,
            now: now)
        try await trail.append(
            AuditEvent(
                .webhookRefused, topupId: message.topupId.flatMap(TopupID.init), actor: "webhooks",
                details: ["webhook_id": message.id, "type": message.type, "reason": "mac"]),
            now: now)
        logger.warning(
            "webhook refused: not queued by Bitaqa or changed since (its MAC does not verify)",
            metadata: ["webhook_id": "\(message.id)", "type": "\(message.type)"])
        Counter(
            label: "bitaqa_webhook_messages_total", dimensions: [("type", "refused"), ("outcome", "refused")],
            factory: factory
        ).increment()
    }

    private func record(_ message: WebhookMessageRecord, status: Int?, error: String?) async throws {
        let now = time.now()
        let attempts = message.attempts + 1
        let outcome: String
        if let status, (200..<300).contains(status) {
            outcome = "delivered"
            try await repositories.webhooks.recordAttempt(
                message.id, owner: owner, state: .delivered, status: status, error: nil, nextAttemptAt: nil, now: now)
        } else if status == 410 || attempts > WebhookSettings.schedule.count {
            outcome = "failed"
            try await repositories.webhooks.recordAttempt(
                message.id, owner: owner, state: .failed, status: status,
                error: status == 410 ? "gone" : (error ?? "status \(status ?? 0)"), nextAttemptAt: nil, now: now)
            logger.warning(
                "webhook failed for good",
                metadata: ["webhook_id": "\(message.id)", "type": "\(message.type)", "attempts": "\(attempts)"])
        } else {
            outcome = "retry"
            let wait = WebhookSettings.schedule[attempts - 1] * settings.retryScale * Double.random(in: 0.8...1.2)
            try await repositories.webhooks.recordAttempt(
                message.id, owner: owner, state: .pending, status: status, error: error ?? "status \(status ?? 0)",
                nextAttemptAt: now + max(1, wait.inMilliseconds), now: now)
        }
        Counter(
            label: "bitaqa_webhook_messages_total", dimensions: [("type", message.type), ("outcome", outcome)],
            factory: factory
        ).increment()
    }
}
