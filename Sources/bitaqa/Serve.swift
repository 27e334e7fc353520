import ArgumentParser
import BitaqaApp
import BitaqaCore
import Configuration
import Foundation
import Logging
import NIOCore
import ServiceLifecycle

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

    /// How long cancelled work has to end once the graceful stop's time is up.
    static let cancellationBound: Duration = .seconds(5)

    /// When `serve` must have exited after the first SIGTERM, whatever state its tasks are in: the graceful
    /// stop, the cancellation after it, and as long again for the resources to close. Past it the stop
    /// watcher ends the process (``StopSignals``).
    static func hardBound(_ shutdownTimeout: Duration) -> Duration {
        shutdownTimeout + cancellationBound * 2
    }

    func run() async throws {
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
            StopSignals.limit(to: Self.hardBound(configuration.pipeline.shutdownTimeout))
            let app = try await buildApplication(
                reader: reader, logger: Logger(label: "bitaqa"), scrubber: scrubber, metrics: MetricsRegistry())
            // A graceful stop finishes the batch in hand; past the bound, the work is cancelled and
            // its leases expire for another process.
            var services: [any Service] = [app]
            #if DEBUG
                if StallOnStop.requested { services.append(StallOnStop()) }
            #endif
            var settings = ServiceGroupConfiguration(services: services, logger: Logger(label: "bitaqa"))
            settings.maximumGracefulShutdownDuration = configuration.pipeline.shutdownTimeout
            settings.maximumCancellationDuration = Self.cancellationBound
            let group = ServiceGroup(configuration: settings)
            // SIGTERM and SIGINT were caught by `StopSignals` since `main` began; one that came during
            // startup stops the group as soon as it is registered here.
            let (stops, stop) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
            StopSignals.serving { stop.yield() }
            do {
                try await withThrowingTaskGroup(of: Void.self) { tasks in
                    tasks.addTask { try await group.run() }
                    tasks.addTask {
                        for await _ in stops { await group.triggerGracefulShutdown() }
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
