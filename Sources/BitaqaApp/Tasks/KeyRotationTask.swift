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
        try await Composition.withCommand("keys rotate", configuration, logger: logger) { app in
            let rotator = KeyRotator(context: app.domain, vault: app.vault)
            started(try await rotator.pending(), app.vault.keyRing.activeKeyID.hex)
            let report = try await rotator.rotate(batchSize: batchSize, logger: logger, progress: progress)
            // Sign the trail's new head, KEY_ROTATED included.
            try await app.checkpoints.writeIfMoved(since: 0)
            return report
        }
    }
}
