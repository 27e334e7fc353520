import BitaqaCore

/// The window of a reconciliation from `from` and `to` as given (ISO 8601, or a date), by default the 24
/// hours before `to`, and `to` now.
public struct ReconciliationWindow: Sendable {
    public let from: Int64
    public let to: Int64

    public init(from rawFrom: String?, to rawTo: String?, now: Int64) throws(PublicError) {
        func parse(_ raw: String?, _ name: String) throws(PublicError) -> Int64? {
            guard let raw else { return nil }
            guard let value = Timestamp.parse(raw) else {
                throw PublicError.badRequest("\(name) must be an ISO 8601 time such as 2026-12-01T00:00:00Z")
            }
            return value
        }
        let to = try parse(rawTo, "to") ?? now
        let from = try parse(rawFrom, "from") ?? to - Duration.seconds(86_400).inMilliseconds
        guard from <= to else { throw PublicError.badRequest("from must not be after to") }
        self.from = from
        self.to = to
    }
}
