import ArgumentParser
import Audit
import BitaqaCore
import BitaqaServer
import CardVault
import Foundation
import Logging
import SQLKit
import Storage

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
            abstract: "Re-encrypt every stored card under the active key (the first of BITAQA_ENCRYPTION_KEYS).",
            discussion: """
                Runs in batches, each in its own transaction: safe to interrupt and run again, and safe while \
                `bitaqa serve` runs. Start `serve` with the new key first in BITAQA_ENCRYPTION_KEYS and the old \
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
                let ring = try resolveKeyRing(configuration, logger: logger)
                let elapsed = Progress(total: 0, unit: "")
                let report = try await ConfigurationSource.withStore(configuration, logger: logger) { store in
                    let rotator = KeyRotator(store: store, vault: CardVault(keyRing: ring))
                    let total = try await store.sql.raw(
                        "SELECT COUNT(*) AS n FROM orders WHERE sealed_card IS NOT NULL AND card_key_id <> \(bind: ring.activeKeyID.hex)"
                    ).first()?.decode(column: "n", as: Int.self) ?? 0
                    FileHandle.standardError.write(Data("\(total) cards to re-encrypt under key \(ring.activeKeyID.hex)\n".utf8))
                    let progress = Progress(total: total, unit: "cards re-encrypted")
                    let report = try await rotator.rotate(batchSize: batchSize, logger: logger) { moved in progress.report(moved) }
                    // Sign the trail's new head, KEY_ROTATED included.
                    try await CheckpointWriter(
                        trail: AuditTrail(store: store), keys: CheckpointKeys(ring: ring),
                        file: CheckpointFile(path: configuration.audit.checkpointFile), logger: logger
                    ).writeIfMoved(since: 0)
                    return report
                }
                print(Self.summary(report))
                print("took \(Progress.format(seconds: elapsed.elapsed))")
                if !report.unreadable.isEmpty { throw ExitCode(1) }
            }
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
