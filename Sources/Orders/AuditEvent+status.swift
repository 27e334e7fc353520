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

extension AuditEvent {
    /// The detail that names the deliveries an event queued (comma-separated ids). The deliverer sends
    /// only deliveries that an authenticated event names, so a row a database writer inserts sends nothing.
    public static let deliveriesKey = "deliveries"
}
