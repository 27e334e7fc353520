import ArgumentParser
import BitaqaApp
import BitaqaCore
import Foundation
import Orders

/// `bitaqa keys`: encryption key management.
struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create encryption keys and move stored cards to the active key.",
        subcommands: [Generate.self, Rotate.self]
    )

    /// `bitaqa keys generate`: one new key on stdout, nothing else.
    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a new random 32-byte key as 64 hex characters, and nothing else on stdout."
        )

        func run() throws {
            print(SecretBytes.random(count: 32).unsafeHex)
        }
    }

    /// `bitaqa keys rotate`: re-encrypts every card that is not under the active key.
    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Re-encrypt every stored card and buyer contact under the active key (the first of BITAQA_ENCRYPTION_KEYS).",
            discussion: """
                Runs in batches, each in its own transaction: safe to interrupt and run again, and safe while \
                `bitaqa serve` runs. Contacts stored in clear by a version before sealing are sealed and \
                indexed too. Start `serve` with the new key first in BITAQA_ENCRYPTION_KEYS and the old \
                ones after it, run this, and remove an old key only once it reports 0 cards under it.
                """
        )

        @OptionGroup var common: CommonOptions

        @Option(help: "Cards re-encrypted per transaction.")
        var batchSize: Int = 200

        func validate() throws {
            guard (1...10_000).contains(batchSize) else {
                throw ValidationError("--batch-size must be from 1 to 10000")
            }
        }

        func run() async throws {
            try await reportingFailures {
                let (configuration, logger) = try await ConfigurationSource.prepare(common)
                let elapsed = Progress(total: 0, unit: "")
                let counter = ProgressBox()
                let report = try await KeyRotationTask.run(
                    configuration, batchSize: batchSize, logger: logger,
                    started: { part, total, activeKeyID in
                        let what = part == .cards ? "cards to re-encrypt" : "orders' contacts to seal"
                        FileHandle.standardError.write(Data("\(total) \(what) under key \(activeKeyID)\n".utf8))
                        counter.start(
                            Progress(total: total, unit: part == .cards ? "cards re-encrypted" : "contacts sealed"))
                    },
                    progress: { moved in counter.report(moved) }
                )
                print(Self.summary(report.cards))
                print(Self.summary(report.contacts, activeKeyID: report.cards.activeKeyID))
                print("took \(Progress.format(seconds: elapsed.elapsed))")
                if !report.cards.unreadable.isEmpty || !report.contacts.unreadable.isEmpty { throw ExitCode(1) }
            }
        }

        static func summary(_ report: KeyRotator.ContactReport, activeKeyID: String) -> String {
            var lines = [
                "contacts sealed and indexed under key \(activeKeyID): \(report.sealed) orders; in clear or under other keys: \(report.remaining)"
            ]
            if !report.unreadable.isEmpty {
                lines.append(
                    "orders whose sealed contacts do not open (deliveries refused): \(report.unreadable.count)")
                for order in report.unreadable.sorted() { lines.append("  \(order): contact_unreadable") }
            }
            return lines.joined(separator: "\n")
        }

        static func summary(_ report: KeyRotator.Report) -> String {
            var lines = ["re-encrypted \(report.moved) cards under key \(report.activeKeyID)"]
            if report.remaining.isEmpty {
                lines.append("remaining under other keys: none")
            } else {
                for (key, count) in report.remaining.sorted(by: { $0.key < $1.key }) {
                    lines.append("remaining under key \(key): \(count)")
                }
            }
            lines.append(
                "contacts bound under key \(report.activeKeyID): \(report.rebound) moved, \(report.legacyBound) bound for the first time"
            )
            if !report.contactMismatches.isEmpty {
                lines.append(
                    "orders whose contacts do not match their binding (deliveries refused, see the audit trail): \(report.contactMismatches.count)"
                )
                for (order, reason) in report.contactMismatches.sorted(by: { $0.key < $1.key }) {
                    lines.append("  \(order): \(reason)")
                }
            }
            if !report.bindingRemoved.isEmpty {
                lines.append(
                    "orders whose binding was removed in the database, left unbound (deliveries refused, see the audit trail): \(report.bindingRemoved.count)"
                )
                for order in report.bindingRemoved.sorted() { lines.append("  \(order): binding_removed") }
            }
            if !report.unreadable.isEmpty {
                lines.append("unreadable cards (left as they are, see the audit trail): \(report.unreadable.count)")
                for (order, reason) in report.unreadable.sorted(by: { $0.key < $1.key }) {
                    lines.append("  \(order): \(reason)")
                }
            }
            return lines.joined(separator: "\n")
        }
    }
}
