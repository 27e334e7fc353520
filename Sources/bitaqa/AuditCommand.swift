import ArgumentParser
import BitaqaApp
import BitaqaCore
import Foundation

/// `bitaqa audit`: check and read the audit trail.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Verify and export the audit trail.",
        subcommands: [Verify.self, Export.self]
    )

    /// `bitaqa audit verify`: exit 0 `audit OK: N events`, exit 1 `audit BROKEN at event N: reason`.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every event's link and hash, and the newest signed checkpoint.",
            discussion:
                "Prints `audit OK: N events` (exit 0) or `audit BROKEN at event N: reason` (exit 1). Progress goes to stderr."
        )

        @OptionGroup var common: CommonOptions

        @Option(help: "Checkpoint file to check the trail's length against (BITAQA_AUDIT_CHECKPOINT_FILE).")
        var checkpointFile: String?

        @Option(
            help: "The trail must have at least this many events (a number known from a checkpoint kept elsewhere).")
        var minEvents: Int64?

        @Option(
            help: "SEQ:HASH of an event known from elsewhere (a logged checkpoint); the trail must hold exactly it.")
        var head: String?

        func validate() throws {
            if let minEvents, minEvents < 0 { throw ValidationError("--min-events must be 0 or more") }
            if let head, Self.pinned(head) == nil { throw ValidationError("--head must be SEQ:HASH, e.g. 1042:9f3a…") }
        }

        static func pinned(_ text: String) -> (sequence: Int64, hash: String)? {
            let parts = text.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let sequence = Int64(parts[0]), sequence > 0, parts[1].count == 64,
                parts[1].allSatisfy(\.isHexDigit)
            else { return nil }
            return (sequence, parts[1].lowercased())
        }

        func run() async throws {
            try await reportingFailures {
                let (configuration, logger) = try await ConfigurationSource.prepare(common)
                let counter = ProgressBox()
                let elapsed = Progress(total: 0, unit: "")
                let verdict = try await AuditTasks.verify(
                    configuration, checkpointPath: checkpointFile, minimum: minEvents,
                    pinned: head.flatMap(Self.pinned),
                    logger: logger,
                    noCheckpoint: { path in
                        FileHandle.standardError.write(
                            Data(
                                "note: no checkpoint at \(path); removal of the newest events cannot be detected\n".utf8
                            )
                        )
                    },
                    started: { total in counter.start(Progress(total: Int(total), unit: "events checked")) },
                    progress: { checked in counter.report(Int(checked)) }
                )
                switch verdict {
                case .intact(let events, let checkpoint):
                    print("audit OK: \(events) events")
                    let upTo = checkpoint.map { ", up to the signed checkpoint at event \($0)" } ?? ""
                    FileHandle.standardError.write(
                        Data("verified \(events) events in \(Progress.format(seconds: elapsed.elapsed))\(upTo)\n".utf8)
                    )
                case .broken(let sequence, let reason):
                    print("audit BROKEN at event \(sequence): \(reason)")
                    throw ExitCode(1)
                }
            }
        }
    }

    /// `bitaqa audit export`: events as JSON lines on stdout.
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print audit events as JSON lines, oldest first.")

        @OptionGroup var common: CommonOptions

        @Option(help: "Only events at or after this time (ISO 8601, e.g. 2026-11-01 or 2026-11-01T12:00:00Z).")
        var from: String?

        @Option(help: "Only events before this time (ISO 8601).")
        var to: String?

        @Option(help: "Only the events of this order (topupId).")
        var order: String?

        func validate() throws {
            if let from, ISOTime.millis(from) == nil { throw ValidationError("--from is not an ISO 8601 date or time") }
            if let to, ISOTime.millis(to) == nil { throw ValidationError("--to is not an ISO 8601 date or time") }
            if let order, TopupID(order) == nil { throw ValidationError("--order is not a topupId") }
        }

        func run() async throws {
            try await reportingFailures {
                let (configuration, logger) = try await ConfigurationSource.prepare(common)
                try await AuditTasks.export(
                    configuration, from: from.flatMap(ISOTime.millis), to: to.flatMap(ISOTime.millis),
                    order: order.flatMap(TopupID.init), logger: logger
                ) { line in print(line) }
            }
        }
    }
}

enum ISOTime {
    static func millis(_ text: String) -> Int64? {
        let candidates = [text, text + "T00:00:00Z", text + "Z"]
        for candidate in candidates {
            if let date = try? Date(candidate, strategy: .iso8601) { return Int64(date.timeIntervalSince1970 * 1000) }
            if let date = try? Date(candidate, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) {
                return Int64(date.timeIntervalSince1970 * 1000)
            }
        }
        return nil
    }
}
