import ArgumentParser
import BitaqaApp
import Foundation

/// `bitaqa migrate`: applies database migrations and exits.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply database migrations and exit.")

    @OptionGroup var common: CommonOptions

    func run() async throws {
        try await reportingFailures {
            let (configuration, logger) = try await ConfigurationSource.prepare(common)
            let summary = try await migrateDatabase(configuration, logger: logger)
            print(
                "migrations applied: \(summary.applied) (schema version \(summary.schemaVersion), \(summary.database))")
        }
    }
}

/// One line for an unexpected startup error, without internals that could hold a secret.
