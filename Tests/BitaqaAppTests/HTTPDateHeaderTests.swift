import Foundation
import HTTPServing
import Testing

@Suite("HTTP Date header")
struct HTTPDateHeaderTests {
    @Test("RFC 9110's example and a leap day, in IMF-fixdate")
    func format() {
        #expect(HTTPDateHeader.format(784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDateHeader.format(1_709_164_800) == "Thu, 29 Feb 2024 00:00:00 GMT")
        #expect(HTTPDateHeader.format(0) == "Thu, 01 Jan 1970 00:00:00 GMT")
    }

    @Test("the same text within a second, the next second's text after it")
    func cached() {
        let header = HTTPDateHeader()
        #expect(header.current(second: 784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(header.current(second: 784_111_778) == "Sun, 06 Nov 1994 08:49:38 GMT")
        let now = header.current()
        let parser = DateFormatter()
        parser.locale = Locale(identifier: "en_US_POSIX")
        parser.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        parser.timeZone = TimeZone(identifier: "GMT")
        let parsed = parser.date(from: now)
        #expect(parsed.map { abs($0.timeIntervalSinceNow) < 5 } == true, "\(now)")
    }
}
