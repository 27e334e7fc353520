import ArgumentParser
import BitaqaApp
import BitaqaCore
import Configuration
import Foundation
import Logging
import Orders
import SystemPackage

/// Options shared by every command that reads the configuration; each overrides its environment variable.
struct CommonOptions: ParsableArguments {
    @Option(name: .customLong("env"), help: "development or production (BITAQA_ENV).")
    var environment: String?

    @Option(name: .customLong("data-dir"), help: "Folder of the embedded database (BITAQA_DATA_DIR).")
    var dataDirectory: String?

    @Option(
        name: .customLong("database-url"),
        help:
            "sqlite:///path or postgres://… (BITAQA_DATABASE_URL). Prefer the variable: options are visible to other users."
    )
    var databaseURL: String?

    @Option(name: .customLong("log-level"), help: "trace … critical (BITAQA_LOG_LEVEL).")
    var logLevel: String?

    @Option(name: .customLong("log-format"), help: "text or json (BITAQA_LOG_FORMAT).")
    var logFormat: String?

    /// Values given on the command line, under the keys their environment variables map to.
    func values() -> [AbsoluteConfigKey: ConfigValue] {
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        func put(_ key: String, _ value: String?, secret: Bool = false) {
            guard let value else { return }
            values[AbsoluteConfigKey(key.split(separator: ".").map(String.init))] = ConfigValue(
                .string(value), isSecret: secret)
        }
        put("bitaqa.env", environment)
        put("bitaqa.data.dir", dataDirectory)
        put("bitaqa.database.url", databaseURL, secret: true)
        put("bitaqa.log.level", logLevel)
        put("bitaqa.log.format", logFormat)
        return values
    }
}

/// Builds the configuration reader: command-line options first, then the environment, then `.env`.
enum ConfigurationSource {
    static func reader(options: [AbsoluteConfigKey: ConfigValue]) async throws -> ConfigReader {
        let secrets = SecretsSpecifier<String, String>.dynamic { name, _ in
            let upper = name.uppercased()
            return ["KEY", "TOKEN", "SECRET", "PASSWORD", "DATABASE_URL", "SMTP_URL"].contains { upper.contains($0) }
        }
        return ConfigReader(providers: [
            InMemoryProvider(name: "command line", values: options),
            EnvironmentVariablesProvider(secretsSpecifier: secrets),
            try await EnvironmentVariablesProvider(
                environmentFilePath: ".env", allowMissing: true, secretsSpecifier: secrets),
        ])
    }

    /// Reads the configuration or stops with exit code 2 and a one-line reason; every configured
    /// secret is registered with `scrubber`.
    static func configuration(_ reader: ConfigReader, scrubber: SecretScrubber) throws -> BitaqaConfiguration {
        do {
            let configuration = try BitaqaConfiguration(reader: reader)
            registerSecretsForScrubbing(configuration, nil, in: scrubber)
            return configuration
        } catch {
            throw StartupFailure.configuration(error)
        }
    }

    /// Reads the configuration, installs logging and returns both with a logger for a command.
    static func prepare(_ common: CommonOptions) async throws -> (BitaqaConfiguration, Logger) {
        let reader = try await reader(options: common.values())
        let scrubber = SecretScrubber()
        let configuration = try configuration(reader, scrubber: scrubber)
        bootstrapLogging(configuration.log, scrubber: scrubber)
        var logger = Logger(label: "bitaqa")
        logger.logLevel = configuration.log.level
        return (configuration, logger)
    }

    /// Installs the log format and level for the whole process, every line passing through `scrubber`.
    static func bootstrapLogging(_ settings: LogSettings, scrubber: SecretScrubber) {
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler
            switch settings.format {
            case .text: handler = StreamLogHandler.standardError(label: label)
            case .json: handler = JSONLogHandler(label: label)
            }
            handler.logLevel = settings.level
            // The last line of defence: known secrets and secret shapes never reach the output.
            return ScrubbingLogHandler(wrapping: handler, scrubber: scrubber)
        }
    }
}

/// A failure before the service runs, reported as one line on stderr with the interface's exit code.
enum StartupFailure: Error, CustomStringConvertible {
    case configuration(ConfigurationError)

    var description: String {
        switch self {
        case .configuration(let error): "configuration error: \(error.description)"
        }
    }
}

/// A failure while running, reported as one line on stderr with exit code 1.
struct RuntimeFailure: Error, CustomStringConvertible {
    let description: String
}

extension AsyncParsableCommand {
    /// Runs `body`, turning startup failures into the documented exit codes.
    func reportingFailures(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let failure as StartupFailure {
            FileHandle.standardError.write(Data("bitaqa: \(failure.description)\n".utf8))
            throw ExitCode(2)
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data("bitaqa: configuration error: \(error.description)\n".utf8))
            throw ExitCode(2)
        } catch let exit as ExitCode {
            throw exit
        } catch let refusal as any DomainRefusal {
            let error = refusal.publicError
            FileHandle.standardError.write(Data("bitaqa: \(error.message)\n".utf8))
            throw ExitCode(error.code.exitCode)
        } catch let failure as RuntimeFailure {
            FileHandle.standardError.write(Data("bitaqa: \(failure.description)\n".utf8))
            throw ExitCode(1)
        } catch {
            FileHandle.standardError.write(Data("bitaqa: \(describeStartupError(error))\n".utf8))
            throw ExitCode(1)
        }
    }
}
