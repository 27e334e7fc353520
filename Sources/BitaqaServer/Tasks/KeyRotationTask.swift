import Audit
import BitaqaCore
import CardVault
import Logging
import Orders

/// `bitaqa keys rotate`: re-encrypts every card under the active key, then signs the trail's new head.
public enum KeyRotationTask {
    /// - Parameters:
    ///   - started: told how many cards are to move and under which key, before the first batch.
    ///   - progress: told the running total of moved cards after each batch.
    public static func run(
        _ configuration: BitaqaConfiguration, batchSize: Int, logger: Logger,
        started: (_ total: Int, _ activeKeyID: String) -> Void, progress: @escaping @Sendable (Int) -> Void
    ) async throws -> KeyRotator.Report {
        let ring = try resolveKeyRing(configuration, logger: logger)
        return try await withDomain(configuration, logger: logger) { domain in
            let rotator = KeyRotator(context: domain, vault: CardVault(keyRing: ring))
            started(try await rotator.pending(), ring.activeKeyID.hex)
            let report = try await rotator.rotate(batchSize: batchSize, logger: logger, progress: progress)
            // Sign the trail's new head, KEY_ROTATED included.
            try await CheckpointWriter(
                trail: domain.trail, keys: CheckpointKeys(ring: ring),
                file: CheckpointFile(path: configuration.audit.checkpointFile),
                copy: configuration.audit.checkpointCopy.map(CheckpointFile.init(path:)), logger: logger,
                time: domain.time
            ).writeIfMoved(since: 0)
            return report
        }
    }
}
