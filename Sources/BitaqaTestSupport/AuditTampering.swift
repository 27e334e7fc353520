import SQLKit
import Storage

/// What an attacker with write access to the database can do to the audit trail: first switch off the
/// append-only triggers, then change or remove rows.
public enum AuditTampering {
    public static func disableGuards(_ store: Store) async throws {
        switch store.kind {
        case .sqlite:
            try await store.sql.raw("DROP TRIGGER IF EXISTS audit_events_no_update").run()
            try await store.sql.raw("DROP TRIGGER IF EXISTS audit_events_no_delete").run()
        case .postgres:
            try await store.sql.raw("ALTER TABLE audit_events DISABLE TRIGGER USER").run()
        }
    }
}
