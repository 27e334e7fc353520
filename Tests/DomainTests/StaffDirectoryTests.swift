import Audit
import BitaqaCore
import CardVault
import Orders
import OrdersDoubles
import Testing

@Suite("Staff directory over the in-memory doubles")
struct StaffDirectoryTests {
    static func directory(_ world: World) throws -> StaffDirectory {
        StaffDirectory(context: world.context, ring: try KeyRing(keys: [World.key]))
    }

    @Test("add returns a 64-hex token that authenticates its member in its role; the row holds no token")
    func addAndAuthenticate() async throws {
        let world = try World()
        let staff = try Self.directory(world)
        let (member, token) = try await staff.add(name: "amina", role: .support, actor: "bitaqa staff")
        let raw = token.unsafeRevealed
        #expect(raw.count == 64 && raw.allSatisfy(\.isHexDigit))
        #expect(member.name == "amina" && member.role == .support)
        #expect(try await staff.authenticate(token: raw) == member)
        #expect(try await staff.authenticate(token: String(repeating: "0", count: 64)) == nil)
        #expect(try await staff.authenticate(token: "") == nil)
        let rows = try await world.database.repositories.staff.all()
        #expect(rows.count == 1 && rows[0].tokenHash != raw && !"\(rows)".contains(raw))
        #expect(try await staff.list() == [member])
    }

    @Test("add and remove are audited with the actor and the member; refusals are public errors")
    func auditedAndRefused() async throws {
        let world = try World()
        let staff = try Self.directory(world)
        _ = try await staff.add(name: "owner.one", role: .owner, actor: "bitaqa staff")
        await #expect(throws: StaffDirectory.Refusal.nameTaken("owner.one")) {
            try await staff.add(name: "owner.one", role: .viewer, actor: "bitaqa staff")
        }
        await #expect(throws: StaffDirectory.Refusal.badName) {
            try await staff.add(name: "Bad Name", role: .viewer, actor: "bitaqa staff")
        }
        await #expect(throws: StaffDirectory.Refusal.unknownMember("nobody")) {
            try await staff.remove(name: "nobody", actor: "staff:owner.one")
        }
        try await staff.remove(name: "owner.one", actor: "staff:owner.one")
        let events = try await world.trail.events(after: 0, limit: 100).map(\.event)
        #expect(events.map(\.kind) == [.staffAdded, .staffRemoved])
        #expect(events[0].actor == "bitaqa staff" && events[0].details["member"] == "owner.one")
        #expect(events[0].details["role"] == "owner")
        #expect(events[1].actor == "staff:owner.one" && events[1].details["member"] == "owner.one")
        #expect(StaffDirectory.Refusal.badName.publicError.code.exitCode == 2)
        #expect(StaffDirectory.Refusal.unknownMember("x").publicError.code.httpStatus == 404)
        #expect(StaffDirectory.Refusal.nameTaken("x").publicError.code.httpStatus == 409)
    }

    @Test("a removed member's token stops at once, and so do its console sessions")
    func removalEndsEverything() async throws {
        let world = try World()
        let staff = try Self.directory(world)
        let ring = try KeyRing(keys: [World.key])
        let sessions = ConsoleSessions(
            context: world.context, adminToken: Secret("admin-token-0123456789"), staff: staff, ring: ring,
            lifetime: .seconds(3_600))
        let (_, token) = try await staff.add(name: "sami", role: .viewer, actor: "bitaqa staff")
        let (cookie, session) = try await sessions.signIn(token: token.unsafeRevealed, address: "10.0.0.1")
        #expect(session.principal == Principal(member: "sami", role: .viewer))
        #expect(session.actor == "staff:sami")
        #expect(try await sessions.session(cookie: cookie) == session)
        try await staff.remove(name: "sami", actor: "bitaqa staff")
        #expect(try await staff.authenticate(token: token.unsafeRevealed) == nil)
        #expect(try await sessions.session(cookie: cookie) == nil)
        // Added again under the same name: the old session stays ended, the old token stays dead.
        world.clock.advance(by: .seconds(1))
        _ = try await staff.add(name: "sami", role: .owner, actor: "bitaqa staff")
        #expect(try await sessions.session(cookie: cookie) == nil)
        #expect(try await staff.authenticate(token: token.unsafeRevealed) == nil)
        let kinds = try await world.trail.events(after: 0, limit: 100).map(\.event.kind)
        #expect(kinds == [.staffAdded, .consoleSignedIn, .staffRemoved, .staffAdded])
    }

    @Test("a row changed or made without the key signs nobody in: a raised role, a made-up hash")
    func forgedRows() async throws {
        let world = try World()
        let staff = try Self.directory(world)
        let (_, token) = try await staff.add(name: "viewer1", role: .viewer, actor: "bitaqa staff")
        let repository = world.database.repositories.staff
        let stored = try #require(try await repository.named("viewer1"))
        // A database writer raises the role: the row's MAC no longer verifies.
        try await world.database.transaction { transaction in
            _ = try await repository.remove("viewer1", in: transaction)
            _ = try await repository.add(
                StaffRecord(
                    name: stored.name, role: "owner", tokenHash: stored.tokenHash, keyID: stored.keyID,
                    mac: stored.mac, createdAt: stored.createdAt), in: transaction)
        }
        #expect(try await staff.authenticate(token: token.unsafeRevealed) == nil)
        #expect(try await staff.list().isEmpty)
        // A made-up row for a token the writer knows.
        let known = String(repeating: "ab", count: 32)
        try await world.database.transaction { transaction in
            _ = try await repository.add(
                StaffRecord(
                    name: "intruder", role: "owner", tokenHash: String(repeating: "cd", count: 32),
                    keyID: stored.keyID, mac: String(repeating: "ef", count: 32), createdAt: 0), in: transaction)
        }
        #expect(try await staff.authenticate(token: known) == nil)
        #expect(try await staff.member(named: "intruder") == nil)
    }

    @Test("roles are ordered viewer < support < owner")
    func roles() {
        #expect(StaffRole.owner.allows(.support) && StaffRole.support.allows(.viewer))
        #expect(!StaffRole.viewer.allows(.support) && !StaffRole.support.allows(.owner))
        #expect(Principal.admin.role == .owner && Principal.admin.actor("merchant") == "merchant")
        #expect(Principal(member: "a", role: .viewer).actor("console") == "staff:a")
    }
}
