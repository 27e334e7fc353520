import Audit
import BitaqaCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import Orders

/// `GET /v1/audit?order=ID`: the audit events of one order, oldest first.
struct AuditController {
    let trail: AuditTrail

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("audit", use: list)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let raw = request.uri.queryParameters.get("order") else {
            throw PublicError.badRequest("the query parameter order (a topupId) is required")
        }
        guard let topupId = TopupID(raw) else {
            throw PublicError.badRequest("order must be a topupId: 1 to 128 printable characters without spaces or '/'")
        }
        let events = try await trail.events(of: topupId)
        struct Body: Encodable {
            let success = true
            let topupId: String
            let events: [AuditRecord]
        }
        return try ResponseJSON.response(Body(topupId: topupId.rawValue, events: events))
    }
}
