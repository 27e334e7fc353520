import Audit
import BitaqaCore

extension AuditEvent {
    /// `STATUS_CHANGED`, by the tracker unless an operator asked for it.
    static func statusChanged(
        _ topupId: TopupID, from: OrderStatus, to: OrderStatus, actor: String = "tracker"
    ) -> AuditEvent {
        AuditEvent(
            .statusChanged, topupId: topupId, actor: actor, details: ["from": from.rawValue, "to": to.rawValue])
    }
}
