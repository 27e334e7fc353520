import Logging
import Storage

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
