import Foundation
import Testing

/// Runs one of `scripts/browser/*.py` with the Python that has Selenium, and reads the JSON object it
/// prints.
enum BrowserScript {
    struct Outcome {
        let status: Int32
        let result: [String: Any]?
        let stdout: String
        let stderr: String
    }

    /// The scripts wait at most 15 s for each step; `timeout` bounds the whole run, browser start included.
    static func run(
        python: String, _ name: String, _ arguments: [String], timeout: Duration = .seconds(300),
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments =
            [Reliability.repository.appendingPathComponent("scripts/browser/\(name)").path] + arguments
        let running = BitaqaProcess.Running(process: process)
        try process.run()
        running.expectExit(within: timeout, sourceLocation: sourceLocation)
        let stdout = running.stdout()
        return Outcome(
            status: running.status,
            result: (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any],
            stdout: stdout, stderr: running.stderr())
    }
}
