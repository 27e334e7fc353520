import Audit
import BitaqaCore
import Logging
import Orders
import Storage

/// Opens the configured database, migrates it, runs `body` with the use cases over it, and closes the
/// pool whether `body` returns or throws: how the command line reaches the domain layer.
public func withDomain<T>(
    _ configuration: BitaqaConfiguration, logger: Logger, time: TimeSource = .system,
    _ body: (DomainContext) async throws -> T
) async throws -> T {
    let ring = try resolveKeyRing(configuration, logger: logger)
    let store = try await Store.open(configuration.storage.database, logger: logger)
    do {
        try await Migrator(store: store, logger: logger).migrate()
        let trail = AuditTrail(store: store, keys: AuditKeys(ring: ring))
        let result = try await body(DomainContext(store: store, trail: trail, time: time))
        await store.shutdown()
        return result
    } catch {
        await store.shutdown()
        throw error
    }
}

/// What `bitaqa migrate` did.
public struct MigrationSummary: Sendable {
    public let applied: Int
    public let schemaVersion: Int
    public let database: String
}

/// Applies the migrations the configured database lacks.
public func migrateDatabase(_ configuration: BitaqaConfiguration, logger: Logger) async throws -> MigrationSummary {
    let store = try await Store.open(configuration.storage.database, logger: logger)
    do {
        let applied = try await Migrator(store: store, logger: logger).migrate()
        await store.shutdown()
        return MigrationSummary(
            applied: applied.count, schemaVersion: Migrator.latestVersion, database: "\(store.location)")
    } catch {
        await store.shutdown()
        throw error
    }
}

/// A startup failure in one line for stderr: a bad database URL says so; anything else names its type.
public func describeStartupError(_ error: any Error) -> String {
    switch error {
    case let error as DatabaseURLError: "database: \(error.description)"
    default: "startup failed: \(String(describing: type(of: error))): \(error)"
    }
}
