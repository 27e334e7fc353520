import BitaqaCore

/// One Algiers day of the business: what was ordered, delivered, lost.
public struct DailyFigures: Sendable, Equatable {
    /// Days since 1970-01-01 in Algiers time.
    public var day: Int64
    /// Orders registered that day.
    public var orders: Int
    /// Of them, orders whose card reached the buyer on at least one channel.
    public var delivered: Int
    /// Of them, orders refunded, or whose every card delivery failed.
    public var failed: Int
    /// The face value of the cards bought (fulfilled orders), in DZD.
    public var faceValue: Int

    public init(day: Int64, orders: Int, delivered: Int, failed: Int, faceValue: Int) {
        self.day = day
        self.orders = orders
        self.delivered = delivered
        self.failed = failed
        self.faceValue = faceValue
    }

    /// Algiers is UTC+1 all year.
    public static let algiersOffset: Int64 = 3_600_000
    public static let dayMillis: Int64 = 86_400_000

    /// The Algiers day of an instant (milliseconds since 1970).
    public static func day(of millis: Int64) -> Int64 {
        let local = millis + algiersOffset
        return local >= 0 ? local / dayMillis : (local - dayMillis + 1) / dayMillis
    }

    /// The instant an Algiers day starts (its local midnight), in milliseconds since 1970.
    public static func start(ofDay day: Int64) -> Int64 {
        day * dayMillis - algiersOffset
    }

    /// `YYYY-MM-DD` of an Algiers day number.
    public static func date(ofDay day: Int64) -> String {
        String(Timestamp.iso8601(day * dayMillis).prefix(10))
    }

    /// `YYYY-MM-DD`, the Algiers date of an instant.
    public static func date(of millis: Int64) -> String {
        date(ofDay: day(of: millis))
    }

    /// The instant the Algiers date `text` (`2026-12-07`) starts; nil for anything else.
    public static func start(ofDate text: String) -> Int64? {
        guard text.count == 10 else { return nil }
        return Timestamp.parse(text + "T00:00:00+01:00")
    }
}
