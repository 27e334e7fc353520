import Foundation

/// Runs one of `scripts/browser/*.py` with the Python that has Selenium, and reads the JSON object it
/// prints.
enum BrowserScript {
    struct Outcome {
        let status: Int32
        let result: [String: Any]?
        let stdout: String
        let stderr: String
    }

    static func run(python: String, _ name: String, _ arguments: [String]) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments =
            [Reliability.repository.appendingPathComponent("scripts/browser/\(name)").path] + arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus,
            result: (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
            stdout: String(decoding: data, as: UTF8.self), stderr: errorText)
    }
}
