import BitaqaCore

/// What a staff member may do, from least to most: `viewer` reads; `support` also resends, checks,
/// corrects contacts and retries webhooks; `owner` does everything (the admin token is an owner).
public enum StaffRole: String, Sendable, CaseIterable, Comparable {
    case viewer
    case support
    case owner

    private var rank: Int {
        switch self {
        case .viewer: 0
        case .support: 1
        case .owner: 2
        }
    }

    public static func < (lhs: StaffRole, rhs: StaffRole) -> Bool { lhs.rank < rhs.rank }

    /// Whether this role may use what `required` guards.
    public func allows(_ required: StaffRole) -> Bool { self >= required }
}

/// A staff member as stored: never the token, only an HMAC of it (`tokenHash`, under the key `keyID`
/// names), and a MAC over the whole row, so a database writer without the key can neither make a row
/// that signs in nor change a member's role.
public struct StaffRecord: Sendable, Equatable {
    public let name: String
    /// A ``StaffRole`` raw value, as stored.
    public let role: String
    public let tokenHash: String
    public let keyID: String
    public let mac: String
    public let createdAt: Int64

    public init(name: String, role: String, tokenHash: String, keyID: String, mac: String, createdAt: Int64) {
        self.name = name
        self.role = role
        self.tokenHash = tokenHash
        self.keyID = keyID
        self.mac = mac
        self.createdAt = createdAt
    }
}

public protocol StaffRepository: Sendable {
    /// Adds the member; false, and nothing written, when the name (or the token hash) is taken.
    func add(_ member: StaffRecord, in transaction: Transaction) async throws -> Bool
    /// Every member, by name.
    func all() async throws -> [StaffRecord]
    func named(_ name: String) async throws -> StaffRecord?
    /// The member whose token hash is one of `hashes` (one per key of the ring).
    func withTokenHash(_ hashes: [String]) async throws -> StaffRecord?
    /// Removes the member; false when there was none.
    func remove(_ name: String, in transaction: Transaction) async throws -> Bool
}
