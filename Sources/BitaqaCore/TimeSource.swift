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
    /// Milliseconds since 1970 from ISO 8601 as people write it: `2026-12-01T10:00:00Z`, with fractional
    /// seconds or an offset, or a bare date (`2026-12-01`, midnight UTC). Nil for anything else.
    public static func parse(_ text: String) -> Int64? {
        let styles: [Date.ISO8601FormatStyle] = [
            .iso8601,
            Date.ISO8601FormatStyle().year().month().day().time(includingFractionalSeconds: true)
                .timeZone(separator: .omitted),
            Date.ISO8601FormatStyle().year().month().day().time(includingFractionalSeconds: true),
            Date.ISO8601FormatStyle().year().month().day().time(includingFractionalSeconds: false)
                .timeZone(separator: .colon),
            Date.ISO8601FormatStyle().year().month().day(),
        ]
        for style in styles {
            if let date = try? Date(text, strategy: style) {
                return Int64((date.timeIntervalSince1970 * 1000).rounded())
            }
        }
        return nil
    }

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
