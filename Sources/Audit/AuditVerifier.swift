import BitaqaCore
import Foundation
import Storage

/// Walks the whole trail and says whether it is intact, and if not, the first event where it breaks.
public struct AuditVerifier: Sendable {
    let trail: AuditTrail
    let pageSize: Int

    public init(trail: AuditTrail, pageSize: Int = 2_000) {
        self.trail = trail
        self.pageSize = pageSize
    }

    /// The outcome of a verification.
    public enum Outcome: Sendable, Equatable {
        /// Every event links to the one before and the newest checkpoint matches.
        case intact(events: Int64, lastHash: String)
        /// The first broken event and why.
        case broken(sequence: Int64, reason: String)
    }

    /// - Parameters:
    ///   - checkpoint: the newest signed checkpoint, already checked for its signature; it proves the
    ///     events up to its sequence existed with that hash, so removing the newest events shows.
    ///   - progress: called after each page with the number of events checked so far.
    public func verify(checkpoint: AuditCheckpoint? = nil, progress: @Sendable (Int64) -> Void = { _ in }) async throws
        -> Outcome
    {
        var expectedSequence: Int64 = 1
        var previousHash = AuditTrail.genesis
        var checkpointSeen = false
        while true {
            let page = try await trail.events(after: expectedSequence - 1, limit: pageSize)
            for record in page {
                if record.sequence != expectedSequence {
                    return .broken(
                        sequence: expectedSequence,
                        reason: "event missing (the trail jumps from \(expectedSequence - 1) to \(record.sequence))"
                    )
                }
                if record.previousHash != previousHash {
                    return .broken(
                        sequence: record.sequence, reason: "does not link to the event before it (changed or removed)")
                }
                let recomputed = AuditTrail.hash(
                    previous: record.previousHash, sequence: record.sequence, at: record.at, event: record.event,
                    details: AuditTrail.canonicalDetails(record.event.details)
                )
                if recomputed != record.hash {
                    return .broken(sequence: record.sequence, reason: "content does not match its hash (changed)")
                }
                if let checkpoint, checkpoint.sequence == record.sequence {
                    checkpointSeen = true
                    if checkpoint.hash != record.hash {
                        return .broken(
                            sequence: record.sequence, reason: "differs from the signed checkpoint (rewritten)")
                    }
                }
                previousHash = record.hash
                expectedSequence += 1
            }
            progress(expectedSequence - 1)
            if page.count < pageSize { break }
        }
        if let checkpoint, !checkpointSeen, checkpoint.sequence > 0 {
            return .broken(
                sequence: expectedSequence,
                reason:
                    "events \(expectedSequence) to \(checkpoint.sequence) are missing (a signed checkpoint records \(checkpoint.sequence) events)"
            )
        }
        return .intact(events: expectedSequence - 1, lastHash: previousHash)
    }
}
