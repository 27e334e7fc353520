import BitaqaCore
import Foundation

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

    /// The newest events against a checkpoint, without walking the whole trail: the event at the
    /// checkpoint's sequence still has its hash, every later one links to the one before and matches its
    /// own hash, and none is missing. What the periodic self-check runs.
    public func verifyTail(from checkpoint: AuditCheckpoint) async throws -> Outcome {
        var expected = checkpoint.sequence
        var previous: String?
        while true {
            let page = try await trail.rows(after: expected - 1, limit: pageSize)
            if previous == nil && page.first?.sequence != checkpoint.sequence {
                return .broken(sequence: checkpoint.sequence, reason: "the checkpointed event is missing")
            }
            for row in page {
                guard row.sequence == expected else {
                    return .broken(sequence: expected, reason: "event missing after the checkpoint")
                }
                let record: AuditRecord
                do {
                    record = try AuditTrail.decode(row)
                } catch {
                    return .broken(sequence: row.sequence, reason: "does not decode as an event (changed)")
                }
                let recomputed = AuditTrail.hash(
                    previous: record.previousHash, sequence: record.sequence, at: record.at, event: record.event,
                    details: AuditTrail.canonicalDetails(record.event.details))
                if recomputed != record.hash {
                    return .broken(sequence: record.sequence, reason: "content does not match its hash (changed)")
                }
                if let previous, record.previousHash != previous {
                    return .broken(sequence: record.sequence, reason: "does not link to the event before it")
                }
                if previous == nil && record.hash != checkpoint.hash {
                    return .broken(sequence: record.sequence, reason: "differs from the signed checkpoint")
                }
                if let reason = macProblem(
                    row, sequence: record.sequence, hash: record.hash, keyedFrom: checkpoint.keyedFrom)
                {
                    return .broken(sequence: record.sequence, reason: reason)
                }
                previous = record.hash
                expected += 1
            }
            if page.count < pageSize { return .intact(events: expected - 1, lastHash: previous ?? checkpoint.hash) }
        }
    }

    /// Why an event's MAC fails, when the verifier holds the keys: a MAC that does not match, or none in
    /// the keyed era. A MAC under a key no longer in the ring passes here (the full walk judges those).
    func macProblem(_ row: AuditRow, sequence: Int64, hash: String, keyedFrom: Int64?) -> String? {
        guard let keys = trail.keys else { return nil }
        guard let mac = row.mac, let keyID = row.macKeyID else {
            guard let keyedFrom, sequence >= keyedFrom else { return nil }
            return "carries no MAC in the keyed era, which a signed checkpoint says starts at event \(keyedFrom)"
        }
        return keys.verify(hash: hash, mac: mac, keyID: keyID) == false
            ? "its MAC does not match (rewritten without the key)" : nil
    }

    /// The first event whose MAC verifies under a key of the ring; nil when there is none (or no keys).
    public func firstAuthenticated() async throws -> Int64? {
        guard trail.keys != nil else { return nil }
        var after: Int64 = 0
        while true {
            let page = try await trail.rows(after: after, limit: pageSize)
            for row in page {
                if row.mac != nil, let record = try? AuditTrail.decode(row),
                    macProblem(row, sequence: record.sequence, hash: record.hash, keyedFrom: nil) == nil,
                    AuditTrail.hash(
                        previous: record.previousHash, sequence: record.sequence, at: record.at, event: record.event,
                        details: AuditTrail.canonicalDetails(record.event.details)) == record.hash
                {
                    return record.sequence
                }
            }
            guard let last = page.last, page.count == pageSize else { return nil }
            after = last.sequence
        }
    }

    /// - Parameters:
    ///   - checkpoint: the newest signed checkpoint, already checked for its signature; it proves the
    ///     events up to its sequence existed with that hash, so removing the newest events shows.
    ///   - progress: called after each page with the number of events checked so far.
    ///   - minimum: the number of events the trail must at least have, known from elsewhere (a
    ///     checkpoint kept off the machine, a log line): catches removal of the newest events even when
    ///     the checkpoint file was rolled back to an older one.
    ///   - pinned: an event's sequence and hash known from elsewhere; the trail must hold exactly that.
    ///   - keyedFrom: where the keyed era starts, when no checkpoint says it (the checkpoint writer's first
    ///     checkpoint).
    public func verify(
        checkpoint: AuditCheckpoint? = nil, minimum: Int64? = nil, pinned: (sequence: Int64, hash: String)? = nil,
        keyedFrom: Int64? = nil, progress: @Sendable (Int64) -> Void = { _ in }
    ) async throws -> Outcome {
        let era = keyedFrom ?? checkpoint?.keyedFrom
        var expectedSequence: Int64 = 1
        var previousHash = AuditTrail.genesis
        var checkpointSeen = false
        var keyedSeen = false
        // The first event authenticated only by a key no longer in the ring, until a later event under a
        // present key vouches for it (its hash covers every earlier event).
        var uncoveredFrom: Int64?
        while true {
            let page = try await trail.rows(after: expectedSequence - 1, limit: pageSize)
            for row in page {
                let record: AuditRecord
                do {
                    record = try AuditTrail.decode(row)
                } catch {
                    return .broken(sequence: row.sequence, reason: "does not decode as an event (changed): \(error)")
                }
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
                if let mac = row.mac, let keyID = row.macKeyID {
                    keyedSeen = true
                    switch trail.keys?.verify(hash: record.hash, mac: mac, keyID: keyID) {
                    case .some(true): uncoveredFrom = nil
                    case .some(false):
                        return .broken(
                            sequence: record.sequence, reason: "its MAC does not match (rewritten without the key)")
                    case .none: if uncoveredFrom == nil { uncoveredFrom = record.sequence }
                    }
                } else if keyedSeen {
                    return .broken(
                        sequence: record.sequence, reason: "carries no MAC after keyed events (written without the key)"
                    )
                } else if trail.keys != nil, let era, record.sequence >= era {
                    return .broken(
                        sequence: record.sequence,
                        reason: "carries no MAC in the keyed era, which a signed checkpoint says starts at event \(era)"
                    )
                }
                if let pinned, pinned.sequence == record.sequence, pinned.hash != record.hash {
                    return .broken(sequence: record.sequence, reason: "differs from the head you gave (rewritten)")
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
        if let uncoveredFrom, trail.keys != nil {
            return .broken(
                sequence: uncoveredFrom,
                reason:
                    "authenticated only by a key no longer in the ring, and no later event under a present key vouches for it"
            )
        }
        if let pinned, expectedSequence - 1 < pinned.sequence {
            return .broken(
                sequence: expectedSequence,
                reason:
                    "the trail has \(expectedSequence - 1) events; the head you gave is event \(pinned.sequence) (newest events removed)"
            )
        }
        if let minimum, expectedSequence - 1 < minimum {
            return .broken(
                sequence: expectedSequence,
                reason:
                    "the trail has \(expectedSequence - 1) events; at least \(minimum) were expected (newest events removed)"
            )
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
