import Foundation
import Synchronization

/// SIGTERM and SIGINT from the first line of `main` until `serve` installs its signal sequence.
///
/// Without this, a signal in that window (loading the configuration, opening the database) would kill
/// the process by the default action. Here it is remembered, and `serve` turns it into a graceful stop
/// once its services exist. Signals belong to the whole process, so this flag is the one process-wide
/// value the program keeps; it is written only by the handler and read only by `serve`.
enum EarlySignals {
    private static let received = Atomic<Bool>(false)

    /// Catches SIGTERM and SIGINT into the flag (an atomic store: safe in a signal handler).
    static func install() {
        signal(SIGTERM) { _ in EarlySignals.received.store(true, ordering: .relaxed) }
        signal(SIGINT) { _ in EarlySignals.received.store(true, ordering: .relaxed) }
    }

    /// Whether a signal arrived before `serve` took over signal handling.
    static var stopRequested: Bool { received.load(ordering: .relaxed) }
}
