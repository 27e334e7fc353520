import Audit
import BitaqaCore
import Hummingbird
import Orders

/// `/console/health`: the encryption keys and how far a rotation has got, the audit trail's head, last
/// checkpoint and self-check, and whether the upstream answers.
struct ConsoleHealthController {
    let support: ConsoleSupport
    let cards: any CardRepository
    let trail: AuditTrail
    let account: UpstreamAccount
    let auditCheck: AuditSelfCheck
    let checkpointFile: CheckpointFile
    /// The key ring's ids (hex) and the active one: keys without cards are listed too.
    let keyIDs: [String]
    let activeKeyID: String

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("health", use: health)
    }

    @Sendable func health(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await support.signedIn(request) { session in
            let words = ConsoleSupport.words(request)
            let counts = try await cards.countByKey()
            let pending = counts.filter { $0.key != activeKeyID }.values.reduce(0, +)
            let head = try await trail.head()
            let checkpoint = try? checkpointFile.read()
            let problem = await auditCheck.problem()
            let upstream: String
            do {
                let snapshot = try await account.current()
                upstream = "\(words["reachable"] ?? ""), \(snapshot.keyType)"
            } catch {
                upstream = words["unreachable"] ?? ""
            }
            let view = ConsoleHealthView(
                keys: Set(keyIDs).union(counts.keys).sorted().map {
                    .init(id: $0, cards: counts[$0] ?? 0, active: $0 == activeKeyID)
                },
                rotation: pending == 0 ? (words["rotationDone"] ?? "") : "\(pending) \(words["rotationLeft"] ?? "")",
                head: head.map { "#\($0.sequence) \($0.hash.prefix(16))…" } ?? "-",
                checkpoint: checkpoint.map {
                    "#\($0.sequence) \(ConsoleTerms.time($0.at, ConsoleSupport.locale(request)))"
                } ?? "-",
                selfCheck: problem ?? (words["intact"] ?? ""), upstream: upstream)
            return support.page(view, request: request, session: session)
        }
    }
}
