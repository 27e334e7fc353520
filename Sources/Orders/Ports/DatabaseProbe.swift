/// Whether the database answers, for readiness: `GET /ready` and `bitaqa doctor`.
public protocol DatabaseProbe: Sendable {
    /// `sqlite` or `postgres`.
    var kindName: String { get }
    /// Throws when the database does not answer.
    func ping() async throws
}
