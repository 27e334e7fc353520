import ArgumentParser
import BitaqaApp
import BitaqaCore
import Foundation
import Orders

/// `bitaqa staff`: the staff members who sign in to the API and the console with their own token.
struct StaffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "staff",
        abstract: "Staff members: their own sign-in tokens, each within a role (owner, support, viewer).",
        subcommands: [Add.self, List.self, Remove.self]
    )

    /// `bitaqa staff add NAME --role owner|support|viewer`.
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a staff member and print their sign-in token once (nothing else on stdout).",
            discussion: """
                viewer reads; support also resends, checks, corrects contacts and retries webhooks; owner does \
                everything. The token is stored nowhere (only a keyed HMAC of it): hand it over now. Audited \
                as STAFF_ADDED.
                """
        )

        @OptionGroup var common: CommonOptions

        @Argument(help: "The member's name: 1 to 32 of a-z, 0-9, '.', '_', '-'.")
        var name: String

        @Option(help: "owner, support or viewer.")
        var role: String

        func validate() throws {
            guard StaffRole(rawValue: role) != nil else {
                throw ValidationError("--role must be owner, support or viewer")
            }
            guard StaffDirectory.isValidName(name) else {
                throw ValidationError(
                    "NAME must be 1 to 32 of a-z, 0-9, '.', '_' and '-', starting with a letter or a digit")
            }
        }

        func run() async throws {
            try await reportingFailures {
                let (configuration, logger) = try await ConfigurationSource.prepare(common)
                guard let role = StaffRole(rawValue: role) else {
                    throw ValidationError("--role must be owner, support or viewer")
                }
                let token = try await StaffTasks.add(configuration, name: name, role: role, logger: logger)
                print(token.unsafeRevealed)
            }
        }
    }

    /// `bitaqa staff list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the staff members: name, role and when they were added (never a token).")

        @OptionGroup var common: CommonOptions

        func run() async throws {
            try await reportingFailures {
                let (configuration, logger) = try await ConfigurationSource.prepare(common)
                for member in try await StaffTasks.list(configuration, logger: logger) {
                    print("\(member.name)\t\(member.role.rawValue)\t\(Timestamp.iso8601(member.createdAt))")
                }
            }
        }
    }

    /// `bitaqa staff remove NAME`.
    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Remove a staff member: their token and console sessions stop working at once (exit 1 when unknown).")

        @OptionGroup var common: CommonOptions

        @Argument(help: "The member's name.")
        var name: String

        func run() async throws {
            try await reportingFailures {
                let (configuration, logger) = try await ConfigurationSource.prepare(common)
                try await StaffTasks.remove(configuration, name: name, logger: logger)
                print("removed \(name)")
            }
        }
    }
}
