import Foundation

/// Where "now" comes from: the system's clock, or one a test sets and moves by hand. Every use case and
/// service reads the time through the one it was given, in milliseconds since 1970, the unit of every
/// stored time. (Named so as not to shadow the standard library's `Clock`.)
public struct TimeSource: Sendable {
    public let now: @Sendable () -> Int64

    public init(now: @escaping @Sendable () -> Int64) {
        self.now = now
    }

    /// The system's wall clock.
    public static let system = TimeSource { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
}

/// Times as shown: ISO 8601 in UTC with milliseconds.
public enum Timestamp {
    public static func iso8601(_ millis: Int64) -> String {
        Date(timeIntervalSince1970: Double(millis) / 1000)
            .formatted(
                .iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }
}

extension Duration {
    /// A duration from seconds given as a decimal number (settings such as `BITAQA_POLL_INTERVAL=0.5`).
    public static func seconds(decimal seconds: Double) -> Duration {
        .milliseconds(Int64((seconds * 1000).rounded()))
    }

    /// The duration in whole milliseconds, the unit of stored times.
    public var inMilliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }

    /// The duration in seconds, for arithmetic such as backoff.
    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
