import ArgumentParser
import BitaqaServer
import Foundation
import Logging
import Storage

/// `bitaqa migrate`: applies database migrations and exits.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply database migrations and exit.")

    @OptionGroup var common: CommonOptions

    func run() async throws {
        try await reportingFailures {
            let (configuration, logger) = try await ConfigurationSource.prepare(common)
            let store = try await Store.open(configuration.storage.database, logger: logger)
            do {
                let applied = try await Migrator(store: store, logger: logger).migrate()
                print("migrations applied: \(applied.count) (schema version \(Migrator.latestVersion), \(store.location))")
                await store.shutdown()
            } catch {
                await store.shutdown()
                throw error
            }
        }
    }
}

/// One line for an unexpected startup error, without internals that could hold a secret.
enum StartupMessage {
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as DatabaseURLError: "database: \(error.description)"
        default: "startup failed: \(String(describing: type(of: error))): \(error)"
        }
    }
}
