import BitaqaCore
import Foundation
import Orders
import Synchronization

/// Tokens already verified, with what their verification found, until they expire.
///
/// A buyer's app sends the same token with every request of a session; checking its signature and
/// decoding its JSON again each time cost more than the rest of a card view. What a verification
/// decides depends on the token, the configuration (both fixed for this cache) and the time, so an
/// entry keeps the user and the token's time bounds, and the bounds are checked again on every use.
/// Bounded: when full, it is emptied and fills again.
final class VerifiedTokens: Sendable {
    struct Entry: Sendable {
        let user: UserID
        /// `exp` plus the leeway: unusable from then on.
        let usableUntil: Date
        /// `nbf` minus the leeway, if the token had one.
        let usableFrom: Date?
    }

    private let entries = Mutex<[String: Entry]>([:])
    let capacity: Int

    init(capacity: Int = 50_000) {
        self.capacity = capacity
    }

    /// The user of a token verified before and usable `now`.
    func user(of token: String, now: Date) -> UserID? {
        guard let entry = entries.withLock({ $0[token] }) else { return nil }
        guard now < entry.usableUntil, entry.usableFrom.map({ now >= $0 }) ?? true else { return nil }
        return entry.user
    }

    func remember(_ token: String, _ entry: Entry) {
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[token] = entry
        }
    }

    var count: Int { entries.withLock { $0.count } }
}
