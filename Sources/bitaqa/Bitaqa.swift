import ArgumentParser
import BitaqaCore
import Foundation
import NIOCore
import NIOPosix

/// The `bitaqa` command. Exit codes: 0 success, 1 a check failed, 2 bad usage or bad configuration.
@main
struct Bitaqa: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bitaqa",
        abstract: "Follows OneClickDz internet top-ups and delivers their cards safely.",
        version: BitaqaVersion.current,
        subcommands: [
            Serve.self, Migrate.self, Doctor.self, SandboxCommand.self, Keys.self, AuditCommand.self,
            OrdersCommand.self, ReconcileCommand.self, StaffCommand.self, WebhooksCommand.self, BuyersCommand.self,
        ]
    )

    /// Parses and runs like ArgumentParser's own `main`, but reports bad usage with exit code 2,
    /// the code the interface promises, instead of ArgumentParser's 64.
    static func main() async {
        if CommandLine.arguments.dropFirst().first == "serve" {
            StopSignals.install()
            // The server's tasks then run on the event loops that do its I/O, instead of handing every
            // request, query and response between Swift's thread pool and NIO's threads. This must happen
            // on the main thread before the first task is enqueued, hence here, first.
            NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        }
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
