import BitaqaCore
import Synchronization

/// A clock that moves only when the test moves it, handed to the domain as its ``TimeSource``: due
/// times, leases, backoff and rate windows are tested by moving it, never by sleeping.
public final class ManualClock: Sendable {
    private let millis: Mutex<Int64>

    /// - Parameter start: milliseconds since 1970.
    public init(_ start: Int64 = 1_767_225_600_000) {
        millis = Mutex(start)
    }

    public var now: Int64 { millis.withLock { $0 } }

    public func advance(by duration: Duration) {
        millis.withLock { $0 += duration.inMilliseconds }
    }

    public func set(_ now: Int64) {
        millis.withLock { $0 = now }
    }

    /// The clock as the domain reads it.
    public var source: TimeSource { TimeSource { self.now } }
}
