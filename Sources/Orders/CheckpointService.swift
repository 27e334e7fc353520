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
        trail: AuditTrail, keys: CheckpointKeys, file: CheckpointFile, copy: CheckpointFile? = nil, logger: Logger,
        time: TimeSource = .system
    ) {
        self.copy = copy
        self.trail = trail
        self.keys = keys
        self.file = file
        self.logger = logger
        self.time = time
    }

    /// Writes a checkpoint when the head is past `sequence`; returns the head's sequence.
    @discardableResult
    public func writeIfMoved(since sequence: Int64) async throws -> Int64 {
        guard let head = try await trail.head(), head.sequence > sequence else { return sequence }
        // Never move the file backwards: another process may have written a newer checkpoint.
        if let existing = try? file.read(), existing.sequence >= head.sequence, keys.isValid(existing) {
            return head.sequence
        }
        let checkpoint = keys.sign(sequence: head.sequence, hash: head.hash, at: time.now())
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
            ]
        )
        return head.sequence
    }
}
