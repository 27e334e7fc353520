import BitaqaTestSupport
import Foundation

/// `scripts/webhooks/receiver.py`: a shop endpoint that verifies each message with the Standard
/// Webhooks reference implementation, records it, and answers as a control file says.
struct WebhookReceiver {
    let running: BitaqaProcess.Running
    let port: Int
    let out: String
    let control: String
    var url: String { "http://127.0.0.1:\(port)/hooks" }

    static var python: String { ProcessInfo.processInfo.environment["BITAQA_TEST_WEBHOOK_PYTHON"] ?? "python3" }

    /// Whether the reference implementation can be imported here (`scripts/test` installs it).
    static var available: Bool {
        (try? Subprocess.output("/usr/bin/env", [python, "-c", "import standardwebhooks"]))?.status == 0
    }

    static func start(in directory: TemporaryDirectory, secrets: [String], port: Int? = nil, name: String = "hooks")
        async throws -> WebhookReceiver
    {
        let port = try port ?? FreePort.find()
        let out = directory.path + "/\(name).jsonl"
        let control = directory.path + "/\(name)-control.json"
        var arguments = [
            python, Reliability.repository.appendingPathComponent("scripts/webhooks/receiver.py").path, "--port",
            "\(port)", "--out", out, "--control", control,
        ]
        for secret in secrets { arguments += ["--secret", secret] }
        let running = try Reliability.start("/usr/bin/env", arguments)
        for _ in 0..<100 where !running.stdout().contains("ready") {
            try await Task.sleep(for: .milliseconds(50))
        }
        return WebhookReceiver(running: running, port: port, out: out, control: control)
    }

    func set(status: Int, hang: Double = 0) throws {
        let data = try JSONSerialization.data(withJSONObject: ["status": status, "hang": hang])
        // Written aside and renamed over, so the receiver never reads half a file.
        try data.write(to: URL(fileURLWithPath: control + ".tmp"))
        guard rename(control + ".tmp", control) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    /// Every request received so far.
    func records() -> [[String: Any]] {
        guard let text = try? String(contentsOfFile: out, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    /// Requests answered 2xx, one per message id.
    func accepted() -> [String: [String: Any]] {
        var found: [String: [String: Any]] = [:]
        for record in records() where ((record["answered"] as? Int) ?? 0) / 100 == 2 {
            if let id = record["id"] as? String { found[id] = record }
        }
        return found
    }

    func stop() { running.terminateIfRunning() }
}
