import Audit
import BitaqaCore
import Logging
import Orders

/// `bitaqa audit verify` and `bitaqa audit export`.
public enum AuditTasks {
    /// What verification found.
    public enum Verdict: Sendable, Equatable {
        /// Every event links and hashes, and the trail reaches the checkpoint (when there is one).
        case intact(events: Int64, checkpoint: Int64?)
        case broken(sequence: Int64, reason: String)
    }

    /// Checks every event's link and hash, and the trail's length against the signed checkpoint.
    ///
    /// - Parameters:
    ///   - checkpointPath: the checkpoint file; by default `BITAQA_AUDIT_CHECKPOINT_FILE`.
    ///   - noCheckpoint: told when there is no checkpoint file (removing the newest events goes unseen).
    ///   - started: told how many events there are to check.
    ///   - progress: told how many were checked so far.
    public static func verify(
        _ configuration: BitaqaConfiguration, checkpointPath: String?, minimum: Int64? = nil,
        pinned: (sequence: Int64, hash: String)? = nil, logger: Logger, noCheckpoint: (String) -> Void,
        started: (Int64) -> Void, progress: @escaping @Sendable (Int64) -> Void
    ) async throws -> Verdict {
        let ring = try resolveKeyRing(configuration, logger: logger)
        let keys = CheckpointKeys(ring: ring)
        // Every place a checkpoint is kept; the newest valid one counts, so rolling one file back to an
        // older checkpoint hides nothing while the other still has the newer.
        var files = [CheckpointFile(path: checkpointPath ?? configuration.audit.checkpointFile)]
        if checkpointPath == nil, let copy = configuration.audit.checkpointCopy {
            files.append(CheckpointFile(path: copy))
        }
        return try await Composition.withCommand("audit", configuration, logger: logger) { app in
            let domain = app.domain
            var newest: AuditCheckpoint?
            for file in files {
                let found: AuditCheckpoint?
                do {
                    found = try file.read()
                } catch {
                    return .broken(sequence: 0, reason: "the checkpoint file \(file.path) cannot be read")
                }
                guard let found else { continue }
                guard keys.isValid(found) else {
                    return .broken(
                        sequence: found.sequence,
                        reason: "the checkpoint's signature is invalid (forged, or its key is no longer in the ring)"
                    )
                }
                if found.sequence > newest?.sequence ?? -1 { newest = found }
            }
            if newest == nil { noCheckpoint(files.map(\.path).joined(separator: ", ")) }
            started(try await domain.trail.head()?.sequence ?? 0)
            let outcome = try await AuditVerifier(trail: domain.trail).verify(
                checkpoint: newest, minimum: minimum, pinned: pinned, progress: progress)
            switch outcome {
            case .intact(let events, _): return .intact(events: events, checkpoint: newest?.sequence)
            case .broken(let sequence, let reason): return .broken(sequence: sequence, reason: reason)
            }
        }
    }

    /// Every event in the window (and of one order), oldest first, as one JSON line each.
    public static func export(
        _ configuration: BitaqaConfiguration, from: Int64?, to: Int64?, order: TopupID?, logger: Logger,
        line: (String) -> Void
    ) async throws {
        try await Composition.withCommand("audit", configuration, logger: logger) { app in
            let domain = app.domain
            var after: Int64 = 0
            while true {
                let page = try await domain.trail.events(after: after, limit: 1_000, from: from, to: to, topupId: order)
                for record in page {
                    line(try record.jsonLine())
                    after = record.sequence
                }
                if page.count < 1_000 { break }
            }
        }
    }
}
