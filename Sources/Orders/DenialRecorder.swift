import Audit
import BitaqaCore
import Logging
import ServiceLifecycle
import Synchronization

/// `ACCESS_DENIED` events, off the response path and collapsed.
///
/// A customer asking for another's order gets the same 404 as for a missing one; writing the denial
/// before answering made the first answer measurably slower (an existence oracle), and every probe a
/// permanent row (audit flooding). Here a denial is counted in memory, and one event per user and order
/// is written when its window closes (`count` says how many), or at shutdown. What a crash loses is at
/// most one window of denial counts, never a card view: `CARD_VIEWED` is still written before the card
/// is shown.
public final class DenialRecorder: Service, Sendable {
    private struct Key: Hashable {
        let topupId: TopupID
        let userId: UserID
    }

    private struct Pending {
        let first: Int64
        var count: Int
        let requestID: String
        let clientRequestID: String?
        let client: String
        let resource: String
    }

    private struct State {
        var pending: [Key: Pending] = [:]
        /// Denials not itemised because too many distinct pairs were pending (a flood).
        var overflow = 0
    }

    let trail: AuditTrail
    let time: TimeSource
    let window: Duration
    let tick: Duration
    let capacity: Int
    let logger: Logger
    private let state = Mutex(State())

    /// - Parameters:
    ///   - window: how long denials of one user for one order are collapsed into one event.
    ///   - capacity: distinct user and order pairs held at most; past it denials are only counted.
    public init(
        trail: AuditTrail, time: TimeSource, window: Duration = .seconds(10),
        tick: Duration = .milliseconds(250),
        capacity: Int = 10_000, logger: Logger
    ) {
        self.trail = trail
        self.time = time
        self.window = window
        self.tick = tick
        self.capacity = capacity
        self.logger = logger
    }

    /// Counts one denial; returns at once.
    public func record(
        _ topupId: TopupID, userId: UserID, requestID: String, clientRequestID: String?, client: String,
        resource: String
    ) {
        let now = time.now()
        state.withLock { state in
            let key = Key(topupId: topupId, userId: userId)
            if state.pending[key] != nil {
                state.pending[key]?.count += 1
            } else if state.pending.count >= capacity {
                state.overflow += 1
            } else {
                state.pending[key] = Pending(
                    first: now, count: 1, requestID: requestID, clientRequestID: clientRequestID, client: client,
                    resource: resource)
            }
        }
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.tick) }
            await flush(all: false)
        }
        await flush(all: true)
    }

    /// Writes every pending denial now, whatever its window (shutdown, tests).
    public func flushAll() async {
        await flush(all: true)
    }

    private func flush(all: Bool) async {
        let now = time.now()
        let windowMillis = window.inMilliseconds
        let (due, overflow) = state.withLock { state in
            let due = state.pending.filter { all || now - $0.value.first >= windowMillis }
            for key in due.keys { state.pending[key] = nil }
            defer { state.overflow = 0 }
            return (due, state.overflow)
        }
        guard !due.isEmpty || overflow > 0 else { return }
        var events = due.sorted { $0.value.first < $1.value.first }.map { key, denial in
            AuditEvent(
                .accessDenied, topupId: key.topupId, actor: key.userId.rawValue, requestID: denial.requestID,
                details: [
                    "reason": "not_owner", "client": denial.client, "path": denial.resource,
                    "count": String(denial.count),
                    "first_at": Timestamp.iso8601(denial.first),
                ].with(clientRequestID: denial.clientRequestID)
            )
        }
        if overflow > 0 {
            events.append(
                AuditEvent(
                    .accessDenied, actor: "bitaqa", details: ["reason": "not_owner", "not_itemised": String(overflow)]))
        }
        let batch = events
        do {
            try await trail.append(batch, now: now)
        } catch {
            logger.error(
                "access denials not audited", metadata: ["count": "\(batch.count)", "error.type": "\(type(of: error))"])
        }
    }
}
