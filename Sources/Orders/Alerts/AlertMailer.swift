import BitaqaCore
import Logging
import Messaging
import ServiceLifecycle

/// Sends the alert emails the monitor wrote, through the email channel the cards use; a failed send is
/// tried again every 30 s, 20 times.
public struct AlertMailer: Service {
    let repositories: Repositories
    let channel: any MessageChannel
    let settings: AlertSettings
    let time: TimeSource
    let logger: Logger
    let owner: String
    let keys: AlertEmailKeys

    public init(
        repositories: Repositories, channel: any MessageChannel, settings: AlertSettings, keys: AlertEmailKeys,
        time: TimeSource, logger: Logger, owner: String
    ) {
        self.keys = keys
        self.repositories = repositories
        self.channel = channel
        self.settings = settings
        self.time = time
        self.logger = logger
        self.owner = owner
    }

    public func run() async throws {
        await WorkLoop.run(name: "alerts", logger: logger, rest: rest) { try await pass() }
    }

    func rest() async -> Duration {
        .milliseconds(200)
    }

    @discardableResult
    public func pass() async throws -> Int {
        let claimed = try await repositories.leases.claim(
            .alertEmails, owner: owner, now: time.now(), leaseMillis: 120_000, limit: 10)
        for id in claimed { try await send(id) }
        return claimed.count
    }

    private func send(_ id: String) async throws {
        guard let email = try await repositories.alerts.email(id),
            let condition = AlertCondition(rawValue: email.condition), let topupId = TopupID(id)
        else { return }
        guard keys.isAuthentic(email) else {
            try await repositories.alerts.recordAttempt(
                id, owner: owner, sent: false, error: "unauthenticated", nextAttemptAt: nil)
            logger.warning(
                "alert email refused: not written by Bitaqa or changed since (its MAC does not verify)",
                metadata: ["alert_id": "\(id)"])
            return
        }
        let subject = AlertTexts.subject(condition, active: email.active, locale: settings.locale)
        let text = AlertTexts.body(
            condition, active: email.active, detail: email.detail, at: email.createdAt, locale: settings.locale,
            publicURL: settings.publicURL)
        var failure: String?
        for (index, recipient) in settings.recipients.enumerated() {
            do {
                _ = try await channel.send(
                    OutgoingMessage(
                        channel: .email, recipient: recipient, subject: subject, text: text,
                        messageID: "\(id).\(index)@alerts.bitaqa", topupId: topupId))
            } catch {
                failure = error.reason
            }
        }
        let next: Int64? = failure == nil || email.attempts + 1 >= 20 ? nil : time.now() + 30_000
        try await repositories.alerts.recordAttempt(
            id, owner: owner, sent: failure == nil, error: failure, nextAttemptAt: next)
        if let failure {
            logger.warning(
                "alert email not sent", metadata: ["condition": "\(email.condition)", "reason": "\(failure)"])
        }
    }
}
