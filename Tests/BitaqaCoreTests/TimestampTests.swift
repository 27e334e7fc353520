import Foundation
import Testing

@testable import BitaqaCore

@Suite("Timestamps written by hand")
struct TimestampTests {
    /// Foundation's formatter, given the seconds (exact in a `Double`), with the milliseconds written in: it
    /// truncates a fraction such as 0.438 (stored as 0.43799…) to .437, which the service wrote before.
    static func expected(_ millis: Int64) -> String {
        let whole = Timestamp.foundationISO8601(millis - millis % 1000)
        let fraction = String(millis % 1000)
        return whole.replacingOccurrences(
            of: ".000Z", with: "." + String(repeating: "0", count: 3 - fraction.count) + fraction + "Z")
    }

    @Test("every millisecond value is written as Foundation's ISO 8601 formatter writes it, exactly, and parses back")
    func matchesFoundation() {
        var values: [Int64] = [0, 1, 999, 1000, 86_399_999, 86_400_000, 951_782_400_000, 4_107_542_400_000]
        // Leap days, century years, month and year ends, each with its millisecond either side.
        for year in [1972, 2000, 2024, 2100, 2400, 9999] {
            for (month, day) in [(2, 28), (2, 29), (3, 1), (12, 31), (1, 1)] {
                var parts = DateComponents(
                    calendar: Calendar(identifier: .gregorian), timeZone: .gmt, year: year, month: month, day: day)
                parts.hour = 23
                parts.minute = 59
                parts.second = 59
                guard let date = parts.date, parts.isValidDate else { continue }
                let millis = Int64(date.timeIntervalSince1970) * 1000
                values += [millis - 1, millis, millis + 999, millis + 1000]
            }
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 { values.append(Int64.random(in: 0..<253_402_300_800_000, using: &generator)) }
        for _ in 0..<20_000 {
            values.append(Int64.random(in: 1_700_000_000_000..<1_900_000_000_000, using: &generator))
        }
        for value in values {
            let written = Timestamp.iso8601(value)
            #expect(written == Self.expected(value), "\(value)")
            #expect(Timestamp.parse(written) == value, "\(value)")
        }
    }

    @Test("values outside years 1970 to 9999 still come out as Foundation writes them")
    func outsideTheFastRange() {
        for value: Int64 in [-1, -86_400_001, 253_402_300_800_000, 253_402_300_800_001] {
            #expect(Timestamp.iso8601(value) == Timestamp.foundationISO8601(value))
        }
    }
}
