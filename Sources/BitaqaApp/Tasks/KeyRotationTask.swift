import Audit
import BitaqaCore
import CardVault
import Logging
import Orders

/// `bitaqa keys rotate`: re-encrypts every card under the active key, seals every buyer's contacts under
/// it (those of a database from before sealing included) with their index, then signs the trail's new head.
public enum KeyRotationTask {
    /// What is to move, told before the first batch of each part.
    public enum Part: Sendable {
        case cards
        case contacts
    }

    /// - Parameters:
    ///   - started: told how many cards (then orders' contacts) are to move and under which key.
    ///   - progress: told the running total of moved cards (then sealed contacts) after each batch.
    public static func run(
        _ configuration: BitaqaConfiguration, batchSize: Int, logger: Logger,
        started: (_ part: Part, _ total: Int, _ activeKeyID: String) -> Void,
        progress: @escaping @Sendable (Int) -> Void
    ) async throws -> (cards: KeyRotator.Report, contacts: KeyRotator.ContactReport) {
        try await Composition.withCommand("keys rotate", configuration, logger: logger) { app in
            let rotator = KeyRotator(context: app.domain, vault: app.vault)
            let active = app.vault.keyRing.activeKeyID.hex
            started(.cards, try await rotator.pending(), active)
            let report = try await rotator.rotate(batchSize: batchSize, logger: logger, progress: progress)
            var contacts = KeyRotator.ContactReport()
            if !report.interrupted {
                started(.contacts, try await rotator.contactsPending(), active)
                contacts = try await rotator.sealContacts(batchSize: batchSize, progress: progress)
            }
            // Sign the trail's new head, KEY_ROTATED included.
            try await app.checkpoints.writeIfMoved(since: 0)
            return (report, contacts)
        }
    }
}
