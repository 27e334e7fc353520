import ArgumentParser
import BitaqaCore
import Foundation

/// The `bitaqa` command. Exit codes: 0 success, 1 a check failed, 2 bad usage or bad configuration.
@main
struct Bitaqa: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bitaqa",
        abstract: "Follows OneClickDz internet top-ups and delivers their cards safely.",
        version: BitaqaVersion.current,
        subcommands: [
            Serve.self, Migrate.self, Doctor.self, SandboxCommand.self, Keys.self, AuditCommand.self,
            OrdersCommand.self, ReconcileCommand.self, WebhooksCommand.self,
        ]
    )

    /// Parses and runs like ArgumentParser's own `main`, but reports bad usage with exit code 2,
    /// the code the interface promises, instead of ArgumentParser's 64.
    static func main() async {
        EarlySignals.install()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
