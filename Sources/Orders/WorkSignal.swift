import Synchronization

/// Wakes a resting work loop early. The tracker rings it when it stores a card, so the deliverer of the
/// same process starts on the card at once instead of after its idle rest; other processes still find
/// the work on their next pass.
public final class WorkSignal: Sendable {
    private let rung = Atomic<Bool>(false)

    public init() {}

    public func notify() {
        rung.store(true, ordering: .releasing)
    }

    /// Rests up to `limit`, returning early (within 5 ms) once rung. Throws when cancelled.
    public func rest(upTo limit: Duration) async throws {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if rung.exchange(false, ordering: .acquiringAndReleasing) { return }
            // Short naps rather than a continuation: simple to make correct under cancellation, and at
            // 200 wake-ups a second an idle worker costs next to nothing, for at most 5 ms of delay.
            try await Task.sleep(for: min(.milliseconds(5), deadline - ContinuousClock.now))
        }
        _ = rung.exchange(false, ordering: .acquiringAndReleasing)
    }
}
