import ArgumentParser
import BitaqaApp
import BitaqaCore
import Foundation
import Orders

/// `bitaqa reconcile`: the upstream's history against Bitaqa's orders.
struct ReconcileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract:
            "Compare OneClickDz's history for a window with Bitaqa's orders (exit 0 when nothing differs, 1 otherwise).",
        discussion: """
            Kinds: untracked (bought upstream, unknown here), missing_upstream (known here, absent upstream), \
            status_mismatch, undelivered (FULFILLED, a card delivery not yet delivered), failed_delivery. \
            Times are ISO 8601 (2026-12-01T08:00:00Z) or dates (2026-12-01, midnight UTC); the window defaults \
            to the 24 hours before --to, and --to to now. Progress goes to stderr; card codes never appear.
            """
    )

    @OptionGroup var common: CommonOptions

    @Option(help: "Start of the window (default: 24 hours before --to).")
    var from: String?

    @Option(help: "End of the window (default: now).")
    var to: String?

    @Option(help: "text (a table with totals) or json (as GET /v1/reconciliation).")
    var format: String = "text"

    @Flag(help: "Register the untracked top-ups for tracking (no contact: in-app only), audited.")
    var adopt = false

    func validate() throws {
        guard ["text", "json"].contains(format) else { throw ValidationError("--format must be text or json") }
        for (name, value) in [("--from", from), ("--to", to)] {
            if let value, Timestamp.parse(value) == nil {
                throw ValidationError("\(name) must be an ISO 8601 time such as 2026-12-01T00:00:00Z")
            }
        }
    }

    func run() async throws {
        try await reportingFailures {
            let (configuration, logger) = try await ConfigurationSource.prepare(common)
            let window: ReconciliationWindow
            do throws(PublicError) {
                window = try ReconciliationWindow(from: from, to: to, now: TimeSource.system.now())
            } catch {
                throw ValidationError(error.message)
            }
            let outcome: ReconcileTask.Outcome
            do {
                outcome = try await ReconcileTask.run(
                    configuration, window: window, adopt: adopt, logger: logger,
                    progress: { page, pages in
                        guard pages > 1 else { return }
                        FileHandle.standardError.write(Data("… upstream history page \(page) of \(pages)\n".utf8))
                    })
            } catch let refusal as OrderCheckTask.Refusal {
                throw RuntimeFailure(description: refusal.description)
            }
            if format == "json" {
                print(try ReconcileTask.json(outcome.report))
            } else {
                print(ReconcileTask.text(outcome.report))
            }
            if adopt {
                FileHandle.standardError.write(
                    Data("adopted \(outcome.adopted.count) untracked top-up(s) for tracking\n".utf8))
            }
            if !outcome.report.differences.isEmpty { throw ExitCode(1) }
        }
    }
}
