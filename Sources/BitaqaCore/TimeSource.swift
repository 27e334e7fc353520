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

    /// `2026-12-01T10:00:00.000Z`. Written by hand for years 1970 to 9999 (every list and page formats
    /// many of these; Foundation's formatter costs several microseconds each), by Foundation outside them.
    public static func iso8601(_ millis: Int64) -> String {
        guard millis >= 0, millis < 253_402_300_800_000 else { return foundationISO8601(millis) }
        let days = millis / 86_400_000
        let inDay = millis % 86_400_000
        let (year, month, day) = civilDate(daysSince1970: days)
        var text = [UInt8]()
        text.reserveCapacity(24)
        func digits(_ value: Int64, _ count: Int) {
            var divisor: Int64 = 1
            for _ in 1..<count { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                text.append(UInt8(ascii: "0") + UInt8(rest / divisor))
                rest %= divisor
                divisor /= 10
            }
        }
        digits(year, 4)
        text.append(UInt8(ascii: "-"))
        digits(month, 2)
        text.append(UInt8(ascii: "-"))
        digits(day, 2)
        text.append(UInt8(ascii: "T"))
        digits(inDay / 3_600_000, 2)
        text.append(UInt8(ascii: ":"))
        digits(inDay / 60_000 % 60, 2)
        text.append(UInt8(ascii: ":"))
        digits(inDay / 1000 % 60, 2)
        text.append(UInt8(ascii: "."))
        digits(inDay % 1000, 3)
        text.append(UInt8(ascii: "Z"))
        return String(decoding: text, as: UTF8.self)
    }

    static func foundationISO8601(_ millis: Int64) -> String {
        Date(timeIntervalSince1970: Double(millis) / 1000)
            .formatted(
                .iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }

    /// The proleptic Gregorian date of a day counted from 1970-01-01 (Howard Hinnant's days-to-civil).
    private static func civilDate(daysSince1970 days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = shifted / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
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
