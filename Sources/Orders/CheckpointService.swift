import Audit
import BitaqaCore
import Foundation
import Logging
import ServiceLifecycle

/// Writes a signed checkpoint of the audit trail's head to the checkpoint file and the log, every
/// interval while the head moves, and once more at shutdown.
public struct CheckpointService: Service {
    let writer: CheckpointWriter
    let interval: Duration

    public init(writer: CheckpointWriter, interval: Duration) {
        self.writer = writer
        self.interval = interval
    }

    public func run() async throws {
        var last: Int64 = -1
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                last = try await writer.writeIfMoved(since: last)
            } catch {
                writer.logger.warning("audit checkpoint failed", metadata: ["error.type": "\(type(of: error))"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
        _ = try? await writer.writeIfMoved(since: last)
    }
}

/// Signs the trail's head and records it in the checkpoint file and the log.
public struct CheckpointWriter: Sendable {
    let trail: AuditTrail
    let keys: CheckpointKeys
    let file: CheckpointFile
    /// A second file every checkpoint also goes to (`BITAQA_AUDIT_CHECKPOINT_COPY`).
    let copy: CheckpointFile?
    let logger: Logger
    let time: TimeSource

    public init(
        trail: AuditTrail, keys: CheckpointKeys, file: CheckpointFile, copy: CheckpointFile?, logger: Logger,
        time: TimeSource
    ) {
        self.copy = copy
        self.trail = trail
        self.keys = keys
        self.file = file
        self.logger = logger
        self.time = time
    }

    /// The trail does not verify: nothing was signed.
    public struct Refused: Error, CustomStringConvertible {
        public let sequence: Int64
        public let reason: String
        public var description: String { "audit BROKEN at event \(sequence): \(reason); no checkpoint was signed" }
    }

    /// Writes a checkpoint when the head is past `sequence`; returns the head's sequence.
    ///
    /// It signs only what it verified first: the events since the last valid checkpoint (the whole trail
    /// when there is none), links, hashes and MACs. The keyed era's start goes into every checkpoint:
    /// carried from the last one, found once otherwise (the first authenticated event, or the event after
    /// the head for a trail that has none yet).
    @discardableResult
    public func writeIfMoved(since sequence: Int64) async throws -> Int64 {
        guard let head = try await trail.head(), head.sequence > sequence else { return sequence }
        let existing = (try? file.read()).flatMap { keys.isValid($0) ? $0 : nil }
        // Never move the file backwards: another process may have written a newer checkpoint.
        if let existing, existing.sequence >= head.sequence { return head.sequence }
        let verifier = AuditVerifier(trail: trail)
        var keyedFrom: Int64?
        if trail.isKeyed {
            if let carried = existing?.keyedFrom {
                keyedFrom = carried
            } else {
                keyedFrom = try await verifier.firstAuthenticated() ?? head.sequence + 1
            }
        }
        let outcome: AuditVerifier.Outcome
        if let existing {
            outcome = try await verifier.verifyTail(
                from: AuditCheckpoint(
                    sequence: existing.sequence, hash: existing.hash, at: existing.at, keyID: existing.keyID,
                    mac: existing.mac, keyedFrom: keyedFrom))
        } else {
            outcome = try await verifier.verify(keyedFrom: keyedFrom)
        }
        guard case .intact(let events, let lastHash) = outcome else {
            if case .broken(let at, let reason) = outcome {
                logger.error(
                    "audit trail broken: no checkpoint signed", metadata: ["audit_seq": "\(at)", "reason": "\(reason)"])
                throw Refused(sequence: at, reason: reason)
            }
            return sequence
        }
        let checkpoint = keys.sign(sequence: events, hash: lastHash, at: time.now(), keyedFrom: keyedFrom)
        try file.write(checkpoint)
        if let copy {
            do {
                try copy.write(checkpoint)
            } catch {
                logger.warning("audit checkpoint copy not written", metadata: ["path": "\(copy.path)"])
            }
        }
        logger.info(
            "audit checkpoint",
            metadata: [
                "audit_seq": "\(checkpoint.sequence)", "audit_hash": "\(checkpoint.hash)",
                "audit_key_id": "\(checkpoint.keyID)", "audit_mac": "\(checkpoint.mac)",
                "audit_keyed_from": "\(checkpoint.keyedFrom.map(String.init) ?? "-")",
            ]
        )
        return checkpoint.sequence
    }
}
