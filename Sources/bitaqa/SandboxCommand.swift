import ArgumentParser
import BitaqaApp
import Configuration

/// `bitaqa sandbox`: a local server that behaves like the OneClickDz v3 internet API.
struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Run the OneClickDz sandbox: the v3 internet endpoints, validate and balance, on a local port.",
        discussion: """
            Accepts the key in ONECLICKDZ_API_KEY when that is set, any non-empty key otherwise, and answers \
            401 MISSING_ACCESS_TOKEN without one. Timings and faults come from the BITAQA_SANDBOX_* settings; \
            the README lists the test numbers.
            """
    )

    @OptionGroup var common: CommonOptions

    @Option(help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port: Int = 8090

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
    }

    func run() async throws {
        try await reportingFailures {
            let (configuration, logger) = try await ConfigurationSource.prepare(common)
            try await SandboxTask.run(configuration, host: host, port: port, logger: logger)
        }
    }
}
