import Foundation
import Logging
import Synchronization

/// SIGTERM and SIGINT for `serve`, from the first line of `main` to the process's end, handled without
/// Swift's executor.
///
/// The signal handler only writes the signal's number into a pipe. A plain thread reads it: the first
/// signal asks `serve` for a graceful stop (remembered until `serve` can stop, if it comes during
/// startup); then the thread waits for the process to end within `bound`, and ends it itself, with a
/// log line and status 1, when it does not, or at once on a second signal. It needs no event loop and no
/// task, so a deadlock among them (issue 28: `merge` under cancellation on both event loops) cannot
/// keep the process alive. Signals belong to the whole process, so this is the one process-wide state
/// the program keeps.
enum StopSignals {
    /// The write end of the pipe, for the signal handler; -1 until `install`.
    private static let pipeWrite = Atomic<Int32>(-1)
    private static let state = Mutex(State())

    private struct State {
        var first: Int32?
        var onStop: (@Sendable () -> Void)?
        /// Until `serve` has read its configuration: the default shutdown timeout plus the margin.
        var bound: Duration = .seconds(40)
    }

    /// Exit status when the bound passes without the process ending.
    static let overdueStatus: Int32 = 1

    /// Catches SIGTERM and SIGINT and starts the thread that acts on them.
    static func install() {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return }
        _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
        // A signal handler must never block, even on a pipe filled by a burst of signals.
        _ = fcntl(ends[1], F_SETFL, O_NONBLOCK)
        pipeWrite.store(ends[1], ordering: .sequentiallyConsistent)
        let readEnd = ends[0]
        let watcher = Thread { watch(readEnd) }
        watcher.name = "bitaqa-stop"
        watcher.start()
        signal(SIGTERM) { StopSignals.received($0) }
        signal(SIGINT) { StopSignals.received($0) }
        // A parent may start us with them blocked (a test runner does); the threads started from here on
        // inherit this mask.
        var stops = sigset_t()
        sigemptyset(&stops)
        sigaddset(&stops, SIGTERM)
        sigaddset(&stops, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &stops, nil)
    }

    /// Whether a stop was asked for.
    static var stopRequested: Bool { state.withLock { $0.first != nil } }

    /// The process must have ended `bound` after the first signal.
    static func limit(to bound: Duration) {
        state.withLock { $0.bound = bound }
    }

    /// `serve` is ready to stop: `onStop` asks for a graceful shutdown, at once if a signal already came.
    static func serving(onStop: @escaping @Sendable () -> Void) {
        let stopNow = state.withLock { state in
            state.onStop = onStop
            return state.first != nil
        }
        if stopNow { onStop() }
    }

    /// The signal handler: only async-signal-safe calls.
    private static func received(_ number: Int32) {
        let saved = errno
        var byte = UInt8(truncatingIfNeeded: number)
        _ = write(pipeWrite.load(ordering: .relaxed), &byte, 1)
        errno = saved
    }

    private static func watch(_ descriptor: Int32) {
        guard let first = readSignal(descriptor, waitingAtMost: nil) else { return }
        let started = ContinuousClock.now
        let onStop = state.withLock { state in
            state.first = first
            return state.onStop
        }
        let logger = Logger(label: "bitaqa")
        logger.info(
            "stopping",
            metadata: [
                "signal": "\(name(first))", "bound_seconds": "\(state.withLock { $0.bound }.components.seconds)",
            ])
        onStop?()
        while true {
            let deadline = started + state.withLock { $0.bound }
            let remaining = deadline - ContinuousClock.now
            if remaining <= .zero {
                let bound = state.withLock { $0.bound }.components.seconds
                logger.error(
                    "the graceful stop did not finish within its bound: exiting now, work in hand is left to leases",
                    metadata: ["signal": "\(name(first))", "bound_seconds": "\(bound)", "status": "\(overdueStatus)"])
                _exit(overdueStatus)
            }
            // Woken at least every quarter second, so a bound that `serve` sets later is honoured.
            if let second = readSignal(descriptor, waitingAtMost: min(remaining, .milliseconds(250))) {
                logger.warning(
                    "second stop signal: exiting now without finishing the graceful stop",
                    metadata: ["signal": "\(name(second))", "status": "\(128 + second)"])
                _exit(128 + second)
            }
        }
    }

    /// The next signal number from the pipe; nil when `waitingAtMost` passes first (or the pipe fails).
    private static func readSignal(_ descriptor: Int32, waitingAtMost wait: Duration?) -> Int32? {
        while true {
            if let wait {
                var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                let milliseconds = Int32(
                    max(1, wait.components.seconds * 1_000 + wait.components.attoseconds / 1_000_000_000_000_000))
                let ready = poll(&poller, 1, milliseconds)
                if ready == 0 { return nil }
                if ready < 0 {
                    if errno == EINTR { continue }
                    return nil
                }
            }
            var byte: UInt8 = 0
            let count = read(descriptor, &byte, 1)
            if count == 1 { return Int32(byte) }
            if count < 0 && errno == EINTR { continue }
            return nil
        }
    }

    private static func name(_ number: Int32) -> String {
        switch number {
        case SIGTERM: "SIGTERM"
        case SIGINT: "SIGINT"
        default: "signal \(number)"
        }
    }
}
