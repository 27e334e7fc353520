import Configuration

/// Where the audit trail's signed checkpoints go.
///
/// Keys:
/// - `BITAQA_AUDIT_CHECKPOINT_FILE`: default `<data dir>/audit-checkpoint.json`.
/// - `BITAQA_AUDIT_CHECKPOINT_COPY`: a second file every checkpoint is also written to (optional).
/// - `BITAQA_AUDIT_CHECKPOINT_INTERVAL`: seconds between checkpoints while serving, default `60`.
/// - `BITAQA_AUDIT_DENIAL_WINDOW`: seconds over which one user's denied requests for one order become one
///   `ACCESS_DENIED` event with a count, default `10`.
public struct AuditSettings: Sendable {
    public var checkpointFile: String
    /// A second place for every checkpoint (another disk, a mount the database's host cannot write).
    public var checkpointCopy: String?
    public var checkpointInterval: Duration
    public var denialWindow: Duration

    init(reader: ConfigReader, dataDirectory: String) throws(ConfigurationError) {
        let audit = SettingsReader(reader, scope: ["bitaqa", "audit"])
        checkpointFile = audit.string("checkpoint.file") ?? dataDirectory + "/audit-checkpoint.json"
        checkpointCopy = audit.string("checkpoint.copy")
        checkpointInterval = try audit.duration("checkpoint.interval", default: 60, range: 0.05...86_400)
        denialWindow = try audit.duration("denial.window", default: 10, range: 0.05...3_600)
    }
}
