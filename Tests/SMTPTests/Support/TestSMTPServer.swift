import BitaqaTestSupport
import Foundation

/// One Python SMTP server process for one test, in its own temporary directory.
///
/// The interpreter is `/usr/bin/python3` unless `SMTP_TEST_PYTHON` names another; it needs `aiosmtpd`.
/// Call ``stop()`` in a `defer`: it kills the process and deletes the directory.
final class TestSMTPServer {
    struct StartupError: Error, CustomStringConvertible {
        let description: String
    }

    let port: Int
    let directory: URL
    private let process: Process

    private var mailDirectory: URL { self.directory.appending(path: "mail") }

    private init(port: Int, directory: URL, process: Process) {
        self.port = port
        self.directory = directory
        self.process = process
    }

    /// Starts `smtp_server.py` with `arguments` and waits until it has printed its port.
    static func start(_ arguments: [String]) async throws -> TestSMTPServer {
        let directory = try TemporaryDirectory.make(prefix: "smtp-server")
        let script = directory.appending(path: "smtp_server.py")
        try smtpServerScript.write(to: script, atomically: true, encoding: .utf8)
        let portFile = directory.appending(path: "port")
        let logFile = directory.appending(path: "server.log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let log = try FileHandle(forWritingTo: logFile)
        defer { try? log.close() }

        let process = Process()
        process.executableURL = URL(filePath: Self.python)
        let mail = directory.appending(path: "mail").path
        process.arguments = [script.path, "--dir", mail, "--port-file", portFile.path] + arguments
        var environment = ProcessInfo.processInfo.environment
        for name in ["PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP"] {
            environment[name] = nil
        }
        process.environment = environment
        process.standardOutput = log
        process.standardError = log
        do {
            try process.run()
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw StartupError(description: "cannot run \(Self.python): \(error)")
        }

        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOf: portFile, encoding: .utf8), let port = Int(text) {
                return TestSMTPServer(port: port, directory: directory, process: process)
            }
            if !process.isRunning {
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        process.stop()
        let output = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: directory)
        throw StartupError(
            description: "the SMTP test server did not start (needs \(Self.python) with aiosmtpd, "
                + "e.g. apt-get install python3-aiosmtpd): \(output)"
        )
    }

    static var python: String {
        ProcessInfo.processInfo.environment["SMTP_TEST_PYTHON"] ?? "/usr/bin/python3"
    }

    func stop() {
        self.process.stop()
        try? FileManager.default.removeItem(at: self.directory)
    }

    /// The messages saved so far, in the order they arrived.
    func messages() throws -> [ReceivedMessage] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: self.mailDirectory.path)) ?? []
        let numbers = files.compactMap { $0.hasSuffix(".json") ? Int($0.dropLast(5)) : nil }.sorted()
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try numbers.map { number in
            let data = try Data(contentsOf: self.mailDirectory.appending(path: "\(number).json"))
            return try decoder.decode(ReceivedMessage.self, from: data)
        }
    }

    /// The raw bytes of saved message `number` (1-based), as the server received them after un-stuffing.
    func rawMessage(_ number: Int) throws -> String {
        try String(contentsOf: self.mailDirectory.appending(path: "\(number).eml"), encoding: .utf8)
    }

    /// The protocol events the aiosmtpd handler logged, one per line.
    func events() -> [String] {
        let text = (try? String(contentsOf: self.mailDirectory.appending(path: "events.log"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init)
    }

    /// Every byte a raw-mode server received, decoded leniently.
    func received() -> String {
        let data = (try? Data(contentsOf: self.mailDirectory.appending(path: "received.log"))) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// Waits until `condition` holds on what the raw server received, for checks after the client gave up.
    func waitForReceived(timeout: Duration = .seconds(5), _ condition: (String) -> Bool) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let text = self.received()
            if condition(text) {
                return text
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return self.received()
    }
}

/// The JSON the Python handler writes next to each message: envelope plus a parse by Python's `email` package.
struct ReceivedMessage: Decodable {
    struct Part: Decodable {
        let contentType: String
        let charset: String?
        let transferEncoding: String
        let content: String
    }

    let subject: String
    let from: String
    let to: String
    let messageId: String
    let date: String
    let contentType: String
    let defects: [String]
    let parts: [Part]
    let maxLineLength: Int
    let bareLineFeeds: Int
    let mailFrom: String
    let mailOptions: [String]
    let rcptTos: [String]
    let peerPort: Int
    let tls: Bool
    let authenticated: Bool
}

enum TemporaryDirectory {
    static func make(prefix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appending(path: "\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
