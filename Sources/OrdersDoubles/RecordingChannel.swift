import Messaging
import Synchronization

/// A ``MessageChannel`` that keeps what it is given instead of sending it, and fails when told to: the
/// deliverer's outcomes (delivered, retried, failed) without SMTP or an SMS gateway.
public final class RecordingChannel: MessageChannel {
    private struct State {
        var sent: [OutgoingMessage] = []
        var failures: [DeliveryFailure] = []
        var failingAlways: DeliveryFailure?
        var attempts = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// The next `times` sends fail with `failure`.
    public func fail(next failure: DeliveryFailure, times: Int = 1) {
        state.withLock { $0.failures += Array(repeating: failure, count: times) }
    }

    /// Every send fails with `failure` from now on (nil: sends succeed again).
    public func failAlways(_ failure: DeliveryFailure?) {
        state.withLock { $0.failingAlways = failure }
    }

    /// The messages taken, in order.
    public var sent: [OutgoingMessage] { state.withLock { $0.sent } }

    /// Sends tried, failed ones included.
    public var attempts: Int { state.withLock { $0.attempts } }

    /// Keeps `message` and answers a provider id (`provider-1`, `provider-2`, …), or fails as told.
    public func send(_ message: OutgoingMessage) async throws(DeliveryFailure) -> String? {
        let outcome: Result<String, DeliveryFailure> = state.withLock { state in
            state.attempts += 1
            if !state.failures.isEmpty { return .failure(state.failures.removeFirst()) }
            if let failure = state.failingAlways { return .failure(failure) }
            state.sent.append(message)
            return .success("provider-\(state.sent.count)")
        }
        return try outcome.get()
    }
}
