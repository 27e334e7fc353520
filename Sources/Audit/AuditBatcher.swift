import BitaqaCore
import ServiceLifecycle
import Synchronization

/// Group commit for the audit trail: events that arrive while a write is in flight are appended
/// together, in arrival order, in the next transaction. The chain is the same as with one transaction
/// per event; every caller still returns only after its own event is committed, and learns of a
/// failure of the transaction that held it. Under concurrent card views this turns one serialised
/// transaction per view into one per batch.
///
/// A service: its `run` does the writing, and drains what is queued before it returns on shutdown.
/// While it is not running (before start, after stop, or in a test that never starts it) each event is
/// appended in a transaction of its own, so no caller ever waits for a writer that is not there.
public final class AuditBatcher: Service, Sendable {
    private struct Item {
        let event: AuditEvent
        let now: Int64
        let done: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var pending: [Item] = []
        var waiter: CheckedContinuation<Void, Never>?
        var running = false
        var stopping = false
    }

    /// Thrown inside ``append(_:now:)`` when the writer is not running; the caller then writes directly.
    private struct NotRunning: Error {}

    let trail: AuditTrail
    let maxBatch: Int
    private let state = Mutex(State())

    public init(trail: AuditTrail, maxBatch: Int = AuditTrail.maxUnlocked) {
        self.trail = trail
        self.maxBatch = maxBatch
    }

    /// Appends `event` and returns once it is committed.
    public func append(_ event: AuditEvent, now: Int64) async throws {
        do {
            try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
                let outcome: Result<CheckedContinuation<Void, Never>?, NotRunning> = state.withLock { state in
                    guard state.running else { return .failure(NotRunning()) }
                    state.pending.append(Item(event: event, now: now, done: done))
                    defer { state.waiter = nil }
                    return .success(state.waiter)
                }
                switch outcome {
                case .success(let waiter): waiter?.resume()
                case .failure(let error): done.resume(throwing: error)
                }
            }
        } catch is NotRunning {
            try await trail.append(event, now: now)
        }
    }

    public func run() async throws {
        state.withLock {
            $0.running = true
            $0.stopping = false
        }
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                await writeUntilStopped()
            } onCancel: {
                self.stop()
            }
        } onGracefulShutdown: {
            self.stop()
        }
    }

    private func writeUntilStopped() async {
        // The newest event this writer appended; its next batch follows it without reading the head.
        var head: (sequence: Int64, hash: String)?
        while true {
            await waitForWork()
            let batch: [Item]? = state.withLock { state in
                if state.pending.isEmpty {
                    guard state.stopping else { return [] }
                    state.running = false
                    return nil
                }
                let batch = Array(state.pending.prefix(maxBatch))
                state.pending.removeFirst(batch.count)
                return batch
            }
            guard let batch else { return }
            guard !batch.isEmpty else { continue }
            await write(batch, after: &head)
        }
    }

    /// One batch in one statement when the head is known and no listener hears its events (card views);
    /// otherwise, or when someone else appended since, in a transaction that locks and reads the head.
    private func write(_ batch: [Item], after head: inout (sequence: Int64, hash: String)?) async {
        let events = batch.map { ($0.event, $0.now) }
        if let known = head, trail.canAppendUnlocked(events) {
            do {
                let records = try await trail.append(after: known, events)
                head = records.last.map { ($0.sequence, $0.hash) } ?? known
                for item in batch { item.done.resume() }
                return
            } catch {
                // Most likely another process appended since: the usual way below reads the new head.
            }
        }
        do {
            let records = try await trail.transactions.transaction { [trail] transaction in
                try await trail.append(events, in: transaction)
            }
            head = records.last.map { ($0.sequence, $0.hash) }
            for item in batch { item.done.resume() }
        } catch {
            head = nil
            for item in batch { item.done.resume(throwing: error) }
        }
    }

    private func waitForWork() async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state in
                if !state.pending.isEmpty || state.stopping { return true }
                state.waiter = waiter
                return false
            }
            if ready { waiter.resume() }
        }
    }

    private func stop() {
        let waiter = state.withLock { state in
            state.stopping = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }
}
