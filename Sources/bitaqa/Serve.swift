import ArgumentParser
import BitaqaServer
import Configuration
import Hummingbird
import Logging
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
        try await reportingFailures {
            var values = common.values()
            if let httpHost { values[AbsoluteConfigKey(["bitaqa", "http", "host"])] = .init(.string(httpHost), isSecret: false) }
            if let httpPort { values[AbsoluteConfigKey(["bitaqa", "http", "port"])] = .init(.string(httpPort), isSecret: false) }
            let reader = try await ConfigurationSource.reader(options: values)
            let configuration = try ConfigurationSource.configuration(reader)
            ConfigurationSource.bootstrapLogging(configuration.log)
            let app = try await buildApplication(reader: reader)
            // A graceful stop finishes the batch in hand; past the bound, the work is cancelled and
            // its leases expire for another process.
            var group = ServiceGroupConfiguration(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: Logger(label: "bitaqa"))
            group.maximumGracefulShutdownDuration = .milliseconds(Int64(configuration.pipeline.shutdownTimeout * 1000))
            group.maximumCancellationDuration = .seconds(5)
            try await ServiceGroup(configuration: group).run()
        }
    }
}
