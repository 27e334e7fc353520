import Audit
import BitaqaCore
import CardVault
import Crypto
import Foundation

/// Sign-in to the merchant console with the admin token or a staff member's token, and the server-side
/// sessions it opens.
///
/// The cookie carries 32 random bytes. The database keeps only an HMAC of them and the expiry: the
/// HMAC key is derived from the key ring's active key and the admin token, so a database writer without
/// the key cannot make a row that opens a session, and changing `BITAQA_ADMIN_TOKEN` (or rotating the
/// active key) ends every session. The CSRF token is derived from the cookie the same way, never
/// stored. Every sign-in, failed or not, counts against the caller's address.
///
/// A session remembers the staff member who opened it (none for the admin token) under a MAC of the same
/// key, so a database writer cannot hand a session to another member; the member is read again (and its
/// row verified) on every request, so a removed member's sessions stop at once and its role is always
/// the one its verified row holds.
public struct ConsoleSessions: Sendable {
    let context: DomainContext
    let adminToken: Secret
    let staff: StaffDirectory
    let sessionKey: SymmetricKey
    let lifetime: Duration
    let attemptsPerAddress: Int
    let window: Duration

    public init(
        context: DomainContext, adminToken: Secret, staff: StaffDirectory, ring: KeyRing, lifetime: Duration,
        attemptsPerAddress: Int = 10, window: Duration = .seconds(60)
    ) {
        self.context = context
        self.adminToken = adminToken
        self.staff = staff
        self.sessionKey = Self.sessionKey(ring: ring, adminToken: adminToken)
        self.lifetime = lifetime
        self.attemptsPerAddress = attemptsPerAddress
        self.window = window
    }

    static func sessionKey(ring: KeyRing, adminToken: Secret) -> SymmetricKey {
        let derived = ring.derivedKeys(purpose: "console-session")[0].key
        return SymmetricKey(
            data: HMAC<SHA256>.authenticationCode(for: Array(adminToken.unsafeRevealed.utf8), using: derived))
    }

    /// A live session: its short id (for the audit trail and logs), its CSRF token, and who opened it.
    public struct Session: Sendable, Equatable {
        public let id: String
        public let csrf: String
        public let principal: Principal

        /// The audit trail's actor: `console` for the admin token, `staff:NAME` for a staff member.
        public var actor: String { principal.actor("console") }
    }

    public enum SignInFailure: Error, Equatable {
        case wrongToken
        case tooManyAttempts(retryAfter: Int)
    }

    /// Checks the token; on success opens a session and returns the cookie value and the session.
    public func signIn(token: String, address: String) async throws -> (cookie: String, session: Session) {
        let now = context.time.now()
        let decision = try await context.repositories.rateLimits.hit(
            "console:\(ClientAddress.limitKey(address))", limit: attemptsPerAddress,
            windowMillis: window.inMilliseconds,
            now: now)
        if case .limited(let retry) = decision { throw SignInFailure.tooManyAttempts(retryAfter: retry) }
        let principal: Principal
        if Self.equal(Array(token.utf8), Array(adminToken.unsafeRevealed.utf8)) {
            principal = .admin
        } else if let member = try await staff.authenticate(token: token) {
            principal = member.principal
        } else {
            throw SignInFailure.wrongToken
        }
        let cookie = Hex.encode(SecretBytes.random(count: 32).unsafeBytes)
        let idHash = hash(cookie)
        let record = ConsoleSessionRecord(
            idHash: idHash, csrf: "", createdAt: now, expiresAt: now + lifetime.inMilliseconds,
            member: principal.member, memberMAC: memberMAC(idHash, principal.member))
        try await context.repositories.consoleSessions.create(record)
        let session = Session(id: Self.shortID(record.idHash), csrf: csrf(cookie), principal: principal)
        try await context.trail.append(
            AuditEvent(.consoleSignedIn, actor: session.actor, details: ["session": session.id, "client": address]),
            now: now)
        return (cookie, session)
    }

    /// The live session a cookie names; nil for a missing, ended, expired or forged one.
    public func session(cookie: String) async throws -> Session? {
        guard cookie.count == 64, cookie.allSatisfy(\.isHexDigit) else { return nil }
        let hash = hash(cookie)
        guard let record = try await context.repositories.consoleSessions.live(hash, now: context.time.now()),
            let stored = record.memberMAC,
            Self.equal(Array(stored.utf8), Array(memberMAC(hash, record.member).utf8))
        else { return nil }
        let principal: Principal
        if let name = record.member {
            // The member as it is now: gone, or added again after this session opened, ends the session.
            guard let member = try await staff.member(named: name), member.createdAt <= record.createdAt else {
                return nil
            }
            principal = member.principal
        } else {
            principal = .admin
        }
        return Session(id: Self.shortID(hash), csrf: csrf(cookie), principal: principal)
    }

    public func signOut(cookie: String) async throws {
        guard let session = try await session(cookie: cookie) else { return }
        let now = context.time.now()
        try await context.repositories.consoleSessions.end(hash(cookie), now: now)
        try await context.trail.append(
            AuditEvent(.consoleSignedOut, actor: session.actor, details: ["session": session.id]), now: now)
    }

    /// Whether a submitted CSRF token is the session's, in constant time.
    public static func csrfMatches(_ submitted: String?, _ session: Session) -> Bool {
        guard let submitted else { return false }
        return equal(Array(submitted.utf8), Array(session.csrf.utf8))
    }

    func hash(_ cookie: String) -> String { mac("session-id", cookie) }
    func csrf(_ cookie: String) -> String { String(mac("csrf", cookie).prefix(48)) }
    /// Binds the member (none: the admin token) to the session's id hash.
    func memberMAC(_ idHash: String, _ member: String?) -> String {
        mac("member", "\(idHash)|\(member.map { "staff:\($0)" } ?? "admin")")
    }

    private func mac(_ purpose: String, _ cookie: String) -> String {
        Hex.encode(HMAC<SHA256>.authenticationCode(for: Array("\(purpose)|\(cookie)".utf8), using: sessionKey))
    }
    static func shortID(_ hash: String) -> String { String(hash.prefix(12)) }

    static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
