import ArgumentParser
import BitaqaCore
import BitaqaServer
import Configuration
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// `bitaqa serve`: migrates, then runs the HTTP server until SIGTERM or SIGINT.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the HTTP server (migrates the database first). Stops gracefully on SIGTERM or SIGINT."
    )

    @OptionGroup var common: CommonOptions

    @Option(name: .customLong("http-host"), help: "Address to listen on (BITAQA_HTTP_HOST, default 127.0.0.1).")
    var httpHost: String?

    @Option(name: .customLong("http-port"), help: "Port to listen on (BITAQA_HTTP_PORT, default 8080).")
    var httpPort: String?

    func run() async throws {
        // First, before anything slow: from here on SIGTERM and SIGINT go to this sequence, and one that
        // arrives during startup waits there until the services exist, then stops them gracefully. One
        // that came even earlier, since `main` began, was caught by `EarlySignals`.
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        try await reportingFailures {
            var values = common.values()
            if let httpHost {
                values[AbsoluteConfigKey(["bitaqa", "http", "host"])] = .init(.string(httpHost), isSecret: false)
            }
            if let httpPort {
                values[AbsoluteConfigKey(["bitaqa", "http", "port"])] = .init(.string(httpPort), isSecret: false)
            }
            let reader = try await ConfigurationSource.reader(options: values)
            let scrubber = SecretScrubber()
            let configuration = try ConfigurationSource.configuration(reader, scrubber: scrubber)
            ConfigurationSource.bootstrapLogging(configuration.log, scrubber: scrubber)
            let app = try await buildApplication(reader: reader, scrubber: scrubber)
            // A graceful stop finishes the batch in hand; past the bound, the work is cancelled and
            // its leases expire for another process.
            var settings = ServiceGroupConfiguration(services: [app], logger: Logger(label: "bitaqa"))
            settings.maximumGracefulShutdownDuration = configuration.pipeline.shutdownTimeout
            settings.maximumCancellationDuration = .seconds(5)
            let group = ServiceGroup(configuration: settings)
            if EarlySignals.stopRequested { await group.triggerGracefulShutdown() }
            do {
                try await withThrowingTaskGroup(of: Void.self) { tasks in
                    tasks.addTask { try await group.run() }
                    tasks.addTask {
                        for await _ in signals { await group.triggerGracefulShutdown() }
                    }
                    try await tasks.next()
                    tasks.cancelAll()
                }
            } catch let error as IOError where error.errnoCode == EADDRINUSE {
                let http = configuration.http
                throw RuntimeFailure(
                    description: "the HTTP port \(http.port) on \(http.host) is already in use (BITAQA_HTTP_PORT)")
            }
        }
    }
}
