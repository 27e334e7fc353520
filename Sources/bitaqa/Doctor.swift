import ArgumentParser
import BitaqaApp
import BitaqaCore
import Foundation

/// `bitaqa doctor`: is this configuration ready to serve? Runs the server's readiness checks and prints a
/// table; secrets are never printed, only whether they are set and whether they work.
struct Doctor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Check the configuration, database, upstream key, SMTP server, SMS endpoint and key ring; print what is ready.",
        discussion:
            "Exit code 0 when everything configured is ready, 1 when something is not, 2 when the configuration cannot be read."
    )

    @OptionGroup var common: CommonOptions

    @Option(help: "Seconds to wait for each network check.")
    var timeout: Double = 10

    func run() async throws {
        let reader = try await ConfigurationSource.reader(options: common.values())
        let scrubber = SecretScrubber()
        let configuration: BitaqaConfiguration
        do {
            configuration = try BitaqaConfiguration(reader: reader)
        } catch {
            Self.print(
                [ReadinessChecks.Row(check: "configuration", state: .notReady, detail: error.description)],
                scrubber: scrubber)
            throw ExitCode(2)
        }
        registerSecretsForScrubbing(configuration, nil, in: scrubber)
        let rows = await ReadinessChecks.run(configuration, timeout: timeout)
        Self.print(rows, scrubber: scrubber)
        if rows.contains(where: { $0.state == .notReady }) { throw ExitCode(1) }
    }

    static func print(_ rows: [ReadinessChecks.Row], scrubber: SecretScrubber) {
        let width = max(13, rows.map(\.check.count).max() ?? 0)
        let stateWidth = 9
        func pad(_ text: String, _ length: Int) -> String {
            text.padding(toLength: length, withPad: " ", startingAt: 0)
        }
        Swift.print("\(pad("check", width))  \(pad("state", stateWidth))  detail")
        for row in rows {
            Swift.print(
                "\(pad(row.check, width))  \(pad(row.state.rawValue, stateWidth))  " + scrubber.scrub(row.detail))
        }
    }
}
