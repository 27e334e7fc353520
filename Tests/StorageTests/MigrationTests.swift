import BitaqaTestSupport
import Foundation
import Orders
import SQLKit
import Storage
import Testing

@Suite("Migrations")
struct MigrationTests {
    @Test("apply once, record the version, and do nothing the second time", arguments: TestDatabase.available)
    func idempotent(database: TestDatabase) async throws {
        try await database.withStore(migrated: false) { store, _ in
            let migrator = Migrator(store: store, logger: TestDatabase.quietLogger)
            let first = try await migrator.migrate()
            let second = try await migrator.migrate()
            #expect(first == Array(1...Migrator.latestVersion))
            #expect(second.isEmpty)
            #expect(try await migrator.appliedVersions() == Array(1...Migrator.latestVersion))
        }
    }

    @Test("several migrators racing apply each version exactly once", arguments: TestDatabase.available)
    func concurrent(database: TestDatabase) async throws {
        try await database.withStore(migrated: false) { store, location in
            let applied = try await withThrowingTaskGroup(of: [Int].self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        // A separate pool per migrator, as separate processes would have.
                        let other = try await Store.open(
                            location, logger: TestDatabase.quietLogger, maxPostgresConnectionsPerLoop: 1)
                        do {
                            let versions = try await Migrator(store: other, logger: TestDatabase.quietLogger).migrate()
                            await other.shutdown()
                            return versions
                        } catch {
                            await other.shutdown()
                            throw error
                        }
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(applied.sorted() == Array(1...Migrator.latestVersion))
        }
    }

    @Test("the audit trail refuses updates and deletes", arguments: TestDatabase.available)
    func auditAppendOnly(database: TestDatabase) async throws {
        try await database.withStore { store, _ in
            try await store.sql.raw(
                """
                INSERT INTO audit_events (seq, at, kind, details, prev_hash, hash)
                VALUES (1, 0, 'TEST', '{}', 'genesis', 'h1')
                """
            ).run()
            await #expect(throws: (any Error).self) {
                try await store.sql.raw("UPDATE audit_events SET kind = 'CHANGED' WHERE seq = 1").run()
            }
            await #expect(throws: (any Error).self) {
                try await store.sql.raw("DELETE FROM audit_events WHERE seq = 1").run()
            }
            let rows = try await store.sql.raw("SELECT kind FROM audit_events").all()
            #expect(try rows.map { try $0.decode(column: "kind", as: String.self) } == ["TEST"])
        }
    }
}

@Suite("SQLite file")
struct SQLiteFileTests {
    @Test("creates its folder 0700 and the database 0600, in WAL mode")
    func fileSetup() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/nested/data/bitaqa.sqlite"
        let store = try await Store.open(.sqlite(path: path), logger: TestDatabase.quietLogger)
        let mode = try await store.sql.raw("PRAGMA journal_mode").first()?.decode(
            column: "journal_mode", as: String.self)
        let timeout = try await store.sql.raw("PRAGMA busy_timeout").first()?.decode(column: "timeout", as: Int.self)
        await store.shutdown()
        #expect(mode == "wal")
        #expect(timeout == 5000)
        let folder = try FileManager.default.attributesOfItem(atPath: directory.path + "/nested/data")
        #expect((folder[.posixPermissions] as? Int) == 0o700)
        let file = try FileManager.default.attributesOfItem(atPath: path)
        #expect((file[.posixPermissions] as? Int) == 0o600)
    }
}

@Suite("Database URLs")
struct DatabaseURLTests {
    @Test(
        "accepted URLs",
        arguments: [
            ("sqlite:///var/lib/bitaqa/db.sqlite", DatabaseLocation.sqlite(path: "/var/lib/bitaqa/db.sqlite")),
            ("sqlite://data/db.sqlite", DatabaseLocation.sqlite(path: "data/db.sqlite")),
        ])
    func accepted(raw: String, expected: DatabaseLocation) throws {
        #expect(try DatabaseLocation(url: raw) == expected)
    }

    @Test("postgres URLs keep the password out of their description")
    func postgresRedacted() throws {
        let location = try DatabaseLocation(url: "postgres://bitaqa:CANARYpw@db.internal:5432/bitaqa")
        #expect(!"\(location)".contains("CANARYpw"))
        #expect("\(location)".contains("db.internal"))
    }

    @Test(
        "refused URLs name the problem without the URL",
        arguments: [
            "mysql://u:p@h/db", "postgres://u:CANARYpw@h:abc/db", "postgres://u:CANARYpw@h:5432", "postgres://",
            "sqlite://",
            "not a url",
        ])
    func refused(raw: String) {
        #expect(throws: DatabaseURLError.self) { try DatabaseLocation(url: raw) }
        do {
            _ = try DatabaseLocation(url: raw)
        } catch {
            #expect(!error.description.contains("CANARYpw"))
        }
    }
}

@Suite("Test environment")
struct TestEnvironmentTests {
    @Test("PostgreSQL is configured whenever the run requires it")
    func postgresPresentWhenRequired() {
        if TestDatabase.postgresRequired {
            #expect(TestDatabase.postgresURL != nil, "scripts/test must export BITAQA_TEST_POSTGRES_URL")
            #expect(TestDatabase.available.contains(.postgres))
        }
    }
}
