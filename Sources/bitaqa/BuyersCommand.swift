import ArgumentParser
import BitaqaApp
import BitaqaCore
import Foundation
import Logging

/// `bitaqa buyers`: a buyer's requests about their personal data (Algeria's law 18-07).
struct BuyersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "buyers",
        abstract: "Answer a buyer's request: show what is held about them, or erase their contacts.",
        subcommands: [Export.self, Erase.self]
    )

    /// What both subcommands take: the usual options and the buyer.
    struct Buyer: ParsableArguments {
        @OptionGroup var common: CommonOptions

        @Argument(help: "The buyer's user id, as the shop registered their orders.")
        var userId: String

        func validate() throws {
            guard UserID(userId) != nil else { throw ValidationError("USER_ID is not a user id Bitaqa accepts") }
        }

        /// Runs `task` for the buyer and prints what it returns as JSON.
        func printing(_ task: (BitaqaConfiguration, UserID, Logger) async throws -> some Encodable) async throws {
            let (configuration, logger) = try await ConfigurationSource.prepare(common)
            guard let user = UserID(userId) else { throw ValidationError("USER_ID is not a user id") }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let value = try await task(configuration, user, logger)
            FileHandle.standardOutput.write(try encoder.encode(value) + Data("\n".utf8))
        }
    }

    /// `bitaqa buyers export USER_ID`.
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print, as JSON, what is held about one buyer: orders, contacts, deliveries (never a card code).",
            discussion: "The same export as GET /v1/buyers/{userId}; audited as BUYER_EXPORTED."
        )

        @OptionGroup var buyer: Buyer

        func run() async throws {
            try await reportingFailures {
                try await buyer.printing { try await BuyerTasks.export($0, userId: $1, logger: $2) }
            }
        }
    }

    /// `bitaqa buyers erase USER_ID`.
    struct Erase: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Erase one buyer's email and phone number on every order, and print what was erased as JSON.",
            discussion: """
                The orders stay, their cards stay readable by the buyer through the customer API, and the audit \
                trail still verifies; a resend is refused for want of a contact. Each order's erasure is audited \
                as CONTACTS_ERASED with the contacts masked. The same erasure as DELETE /v1/buyers/{userId}.
                """
        )

        @OptionGroup var buyer: Buyer

        func run() async throws {
            try await reportingFailures {
                try await buyer.printing { try await BuyerTasks.erase($0, userId: $1, logger: $2) }
            }
        }
    }
}
