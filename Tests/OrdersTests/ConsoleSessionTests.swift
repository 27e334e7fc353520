import Audit
import BitaqaCore
import BitaqaTestSupport
import CardVault
import Foundation
import Orders
import Storage
import Testing

@Suite("Console sessions")
struct ConsoleSessionTests {
    static let ring = try! KeyRing(keys: [SecretBytes(Array(repeating: 0x5c, count: 32))])

    @Test(
        "a session lives its lifetime, ends at sign-out, stores only a hash, and is audited",
        arguments: TestDatabase.available)
    func lifetime(database: TestDatabase) async throws {
        try await database.withStore { store, _ in
            let clock = ManualClock()
            let context = DomainContext(store: store, time: clock.source)
            let sessions = ConsoleSessions(
                context: context, adminToken: Secret("admin-token-CANARY-01"),
                staff: StaffDirectory(context: context, ring: Self.ring), ring: Self.ring, lifetime: .seconds(60))
            await #expect(throws: ConsoleSessions.SignInFailure.wrongToken) {
                try await sessions.signIn(token: "admin-token-CANARY-02", address: "10.0.0.1")
            }
            let (cookie, session) = try await sessions.signIn(token: "admin-token-CANARY-01", address: "10.0.0.1")
            #expect(try await sessions.session(cookie: cookie) == session)
            #expect(try await sessions.session(cookie: String(repeating: "0", count: 64)) == nil)
            let stored = try await store.sql.raw("SELECT id_hash FROM console_sessions").all()
                .map { try $0.decode(column: "id_hash", as: String.self) }
            #expect(stored.count == 1 && stored[0] != cookie)
            clock.advance(seconds: 61)
            #expect(try await sessions.session(cookie: cookie) == nil, "expired")

            let (second, _) = try await sessions.signIn(token: "admin-token-CANARY-01", address: "10.0.0.1")
            try await sessions.signOut(cookie: second)
            #expect(try await sessions.session(cookie: second) == nil, "ended")
            let kinds = try await AuditTrail(store: store, keys: nil).events(after: 0, limit: 10).map(\.event.kind)
            #expect(kinds == [.consoleSignedIn, .consoleSignedIn, .consoleSignedOut])
            let details = try await AuditTrail(store: store, keys: nil).events(after: 0, limit: 10).map(\.event.details)
            #expect(details.allSatisfy { !"\($0)".contains("CANARY") && !"\($0)".contains(cookie) })
        }
    }

    @Test(
        "a session belongs to the admin token: a new token ends it, and so does a new active key",
        arguments: TestDatabase.available)
    func boundToTheAdminToken(database: TestDatabase) async throws {
        try await database.withStore { store, _ in
            let context = DomainContext(store: store)
            let before = ConsoleSessions(
                context: context, adminToken: Secret("admin-token-CANARY-01"),
                staff: StaffDirectory(context: context, ring: Self.ring), ring: Self.ring, lifetime: .seconds(600))
            let (cookie, session) = try await before.signIn(token: "admin-token-CANARY-01", address: "10.0.0.1")
            #expect(try await before.session(cookie: cookie) == session)
            let changedToken = ConsoleSessions(
                context: context, adminToken: Secret("admin-token-CANARY-02"),
                staff: StaffDirectory(context: context, ring: Self.ring), ring: Self.ring, lifetime: .seconds(600))
            #expect(try await changedToken.session(cookie: cookie) == nil, "the old token's session still opens")
            let rotated = ConsoleSessions(
                context: context, adminToken: Secret("admin-token-CANARY-01"),
                staff: StaffDirectory(context: context, ring: Self.ring),
                ring: try KeyRing(keys: [SecretBytes.random(count: 32), SecretBytes(Array(repeating: 0x5c, count: 32))]
                ),
                lifetime: .seconds(600))
            #expect(try await rotated.session(cookie: cookie) == nil)
            let stored = try await store.sql.raw("SELECT csrf FROM console_sessions").all()
                .map { try $0.decode(column: "csrf", as: String.self) }
            #expect(stored == [""], "the CSRF token is derived, never stored")
        }
    }
}
