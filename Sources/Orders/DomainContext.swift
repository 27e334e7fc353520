import Audit
import BitaqaCore

/// What every use case works with: the repositories (as protocols), the audit trail over them, and
/// the one clock the process reads time from.
public struct DomainContext: Sendable {
    public let repositories: Repositories
    public let trail: AuditTrail
    public let time: TimeSource

    public init(repositories: Repositories, trail: AuditTrail, time: TimeSource) {
        self.repositories = repositories
        self.trail = trail
        self.time = time
    }

}
