import BitaqaCore
import CardVault
import Foundation
import Logging
import SQLKit
import Storage

/// The databases every repository test runs on: a fresh SQLite file always, and a fresh PostgreSQL
/// database when `BITAQA_TEST_POSTGRES_URL` names a server (as `scripts/test` does).
public enum TestDatabase: String, Sendable, CaseIterable, CustomStringConvertible {
    case sqlite
    case postgres

    public var description: String { rawValue }

    /// The URL of the PostgreSQL server for tests, if any.
    public static var postgresURL: String? {
        ProcessInfo.processInfo.environment["BITAQA_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Whether the run demands PostgreSQL (under `scripts/test`): then its absence is a failure.
    public static var postgresRequired: Bool {
        ProcessInfo.processInfo.environment["BITAQA_TEST_REQUIRE_POSTGRES"] == "1"
    }

    /// SQLite, plus PostgreSQL when a server is configured.
    public static var available: [TestDatabase] {
        postgresURL == nil && !postgresRequired ? [.sqlite] : [.sqlite, .postgres]
    }

    /// A location for a brand-new, empty database of this kind, and a closure that removes it.
    public func makeLocation(in directory: TemporaryDirectory) async throws -> (
        DatabaseLocation, @Sendable () async -> Void
    ) {
        switch self {
        case .sqlite:
            return (.sqlite(path: directory.path + "/test.sqlite"), {})
        case .postgres:
            guard let server = Self.postgresURL else {
                throw TestSetupError("BITAQA_TEST_REQUIRE_POSTGRES=1 but BITAQA_TEST_POSTGRES_URL is not set")
            }
            let name = "bitaqa_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
            try await Self.admin(server) { sql in
                try await sql.raw("CREATE DATABASE \(unsafeRaw: name)").run()
            }
            let url = Self.replacingDatabase(in: server, with: name)
            return (
                try DatabaseLocation(url: url),
                {
                    try? await Self.admin(server) { sql in
                        try await sql.raw("DROP DATABASE IF EXISTS \(unsafeRaw: name) WITH (FORCE)").run()
                    }
                }
            )
        }
    }

    /// The database URL of a location, for configuring a server under test.
    public static func url(of location: DatabaseLocation) -> String {
        switch location {
        case .sqlite(let path): "sqlite://" + path
        case .postgres(let url): url.unsafeRevealed
        }
    }

    /// Opens a fresh, migrated store of this kind, runs `body`, and removes everything afterwards.
    public func withStore<T: Sendable>(
        migrated: Bool = true,
        contacts: ContactSeal? = nil,
        _ body: (Store, DatabaseLocation) async throws -> T
    ) async throws -> T {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (location, drop) = try await makeLocation(in: directory)
        let store = try await Store.open(
            location, logger: Self.quietLogger, maxPostgresConnectionsPerLoop: 2, contacts: contacts)
        do {
            if migrated { try await Migrator(store: store, logger: Self.quietLogger).migrate() }
            let result = try await body(store, location)
            await store.shutdown()
            await drop()
            return result
        } catch {
            await store.shutdown()
            await drop()
            throw error
        }
    }

    public static let quietLogger: Logger = {
        var logger = Logger(label: "bitaqa-test")
        logger.logLevel = .critical
        return logger
    }()

    private static func admin(_ url: String, _ body: @Sendable (any SQLDatabase) async throws -> Void) async throws {
        let store = try await Store.open(
            try DatabaseLocation(url: url), logger: quietLogger, maxPostgresConnectionsPerLoop: 1)
        do {
            try await body(store.sql)
        } catch {
            await store.shutdown()
            throw error
        }
        await store.shutdown()
    }

    static func replacingDatabase(in url: String, with name: String) -> String {
        var base = url
        var query = ""
        if let mark = base.firstIndex(of: "?") {
            query = String(base[mark...])
            base = String(base[..<mark])
        }
        guard let schemeEnd = base.range(of: "://"), let slash = base[schemeEnd.upperBound...].firstIndex(of: "/")
        else {
            return base + "/" + name + query
        }
        return String(base[..<slash]) + "/" + name + query
    }
}

/// A folder under the system's temporary directory, removed by ``remove()``.
public struct TemporaryDirectory: Sendable {
    public let path: String

    public init() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("bitaqa-tests-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        path = base.path
    }

    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

public struct TestSetupError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
