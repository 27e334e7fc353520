import Audit
import BitaqaCore
import CardVault
import Crypto

/// Who is calling the merchant API or using the console: the admin token (an owner, `member` nil) or a
/// staff member, with the role it acts in.
public struct Principal: Sendable, Equatable {
    /// The staff member's name; nil for the admin token.
    public let member: String?
    public let role: StaffRole

    public init(member: String?, role: StaffRole) {
        self.member = member
        self.role = role
    }

    /// The admin token (`BITAQA_ADMIN_TOKEN`): the owner.
    public static let admin = Principal(member: nil, role: .owner)

    /// The audit trail's actor for what this principal does through `surface` (`merchant`, `console`):
    /// the surface itself for the admin token, `staff:NAME` for a staff member.
    public func actor(_ surface: String) -> String {
        member.map { "staff:\($0)" } ?? surface
    }
}

/// The staff: add, list, remove, and the token check behind the API and the console. Adding and
/// removing are audited (`STAFF_ADDED`, `STAFF_REMOVED`); removing a member ends its console sessions.
///
/// A token is 32 random bytes as 64 hex characters, shown once. The database holds an HMAC of it under
/// a key derived from the key ring (one per key, so a member's token outlives a key rotation while the
/// old key stays in the ring) and a MAC over the row (name, role, token hash, creation time): a row a
/// database writer made or changed without the key signs nobody in.
public struct StaffDirectory: Sendable {
    let context: DomainContext
    let tokenKeys: RowKeys
    let rowKeys: RowKeys

    public init(context: DomainContext, ring: KeyRing) {
        self.context = context
        self.tokenKeys = RowKeys(ring: ring, purpose: "staff-token")
        self.rowKeys = RowKeys(ring: ring, purpose: "staff-row")
    }

    /// A member as the directory shows it: never its token.
    public struct Member: Sendable, Equatable {
        public let name: String
        public let role: StaffRole
        public let createdAt: Int64

        public var principal: Principal { Principal(member: name, role: role) }
    }

    public enum Refusal: Error, Equatable {
        case badName
        case nameTaken(String)
        case unknownMember(String)
    }

    /// Names: 1 to 32 of `a-z 0-9 . _ -`, starting with a letter or digit.
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.unicodeScalars.count <= 32 else { return false }
        func plain(_ c: Unicode.Scalar) -> Bool { ("a"..."z").contains(c) || ("0"..."9").contains(c) }
        return plain(first) && name.unicodeScalars.allSatisfy { plain($0) || $0 == "." || $0 == "_" || $0 == "-" }
    }

    /// Adds a member and returns its token, which is not kept anywhere.
    public func add(name: String, role: StaffRole, actor: String) async throws -> (member: Member, token: Secret) {
        guard Self.isValidName(name) else { throw Refusal.badName }
        let token = SecretBytes.random(count: 32).unsafeHex
        let now = context.time.now()
        let (keyID, tokenHash) = tokenKeys.keys.first.map { ($0.id, Self.tokenHash(token, key: $0.key)) }!
        let record = StaffRecord(
            name: name, role: role.rawValue, tokenHash: tokenHash, keyID: keyID,
            mac: rowKeys.mac(Self.fields(name: name, role: role.rawValue, tokenHash: tokenHash, createdAt: now)).mac,
            createdAt: now)
        let repositories = context.repositories
        let trail = context.trail
        try await repositories.transaction { transaction in
            guard try await repositories.staff.add(record, in: transaction) else { throw Refusal.nameTaken(name) }
            _ = try await trail.append(
                AuditEvent(.staffAdded, actor: actor, details: ["member": name, "role": role.rawValue]), now: now,
                in: transaction)
        }
        return (Member(name: name, role: role, createdAt: now), Secret(token))
    }

    /// Every member whose row verifies, by name.
    public func list() async throws -> [Member] {
        try await context.repositories.staff.all().compactMap(verified)
    }

    /// Removes a member: its token stops working and its console sessions end, at once.
    public func remove(name: String, actor: String) async throws {
        let now = context.time.now()
        let repositories = context.repositories
        let trail = context.trail
        try await repositories.transaction { transaction in
            guard try await repositories.staff.remove(name, in: transaction) else { throw Refusal.unknownMember(name) }
            try await repositories.consoleSessions.end(member: name, now: now, in: transaction)
            _ = try await trail.append(
                AuditEvent(.staffRemoved, actor: actor, details: ["member": name]), now: now, in: transaction)
        }
    }

    /// The member this token belongs to; nil for any other token, and for a row that does not verify.
    public func authenticate(token: String) async throws -> Member? {
        guard token.utf8.count == 64, token.utf8.allSatisfy({ $0 < 128 && Character(Unicode.Scalar($0)).isHexDigit })
        else { return nil }
        let hashes = tokenKeys.keys.map { Self.tokenHash(token, key: $0.key) }
        guard let record = try await context.repositories.staff.withTokenHash(hashes),
            let index = tokenKeys.keys.firstIndex(where: { $0.id == record.keyID }), hashes[index] == record.tokenHash
        else { return nil }
        return verified(record)
    }

    /// The member of this name, when its row verifies.
    public func member(named name: String) async throws -> Member? {
        try await context.repositories.staff.named(name).flatMap(verified)
    }

    private func verified(_ record: StaffRecord) -> Member? {
        guard let role = StaffRole(rawValue: record.role),
            rowKeys.verifies(
                record.mac, keyID: record.keyID,
                Self.fields(
                    name: record.name, role: record.role, tokenHash: record.tokenHash, createdAt: record.createdAt))
        else { return nil }
        return Member(name: record.name, role: role, createdAt: record.createdAt)
    }

    static func fields(name: String, role: String, tokenHash: String, createdAt: Int64) -> [String] {
        ["staff", name, role, tokenHash, String(createdAt)]
    }

    static func tokenHash(_ token: String, key: SymmetricKey) -> String {
        Hex.encode(HMAC<SHA256>.authenticationCode(for: RowKeys.content(["staff-token", token]), using: key))
    }
}
