import Audit
import BitaqaCore

extension AuditEvent {
    /// `STATUS_CHANGED` as the tracker records it.
    static func statusChanged(_ topupId: TopupID, from: OrderStatus, to: OrderStatus) -> AuditEvent {
        AuditEvent(
            .statusChanged, topupId: topupId, actor: "tracker", details: ["from": from.rawValue, "to": to.rawValue])
    }
}
