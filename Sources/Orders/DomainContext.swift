import Audit
import BitaqaCore
import Storage

/// What every use case works with: the repositories (as protocols), the audit trail over them, and
/// the one clock the process reads time from.
public struct DomainContext: Sendable {
    public let repositories: Repositories
    public let trail: AuditTrail
    public let time: TimeSource

    public init(repositories: Repositories, trail: AuditTrail, time: TimeSource = .system) {
        self.repositories = repositories
        self.trail = trail
        self.time = time
    }

    /// The SQL repositories of `store`, with `trail` (by default the store's own, unkeyed).
    public init(store: Store, trail: AuditTrail? = nil, time: TimeSource = .system) {
        self.init(repositories: Repositories(store: store), trail: trail ?? AuditTrail(store: store), time: time)
    }
}
