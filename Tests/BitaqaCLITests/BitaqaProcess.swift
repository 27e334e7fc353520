import Foundation
import NIOConcurrencyHelpers

/// The built `bitaqa` executable, found beside the test bundle in the build folder.
enum BitaqaProcess {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static var executable: URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // The test runner lives in `<build>/debug/X.xctest` or `<build>/debug/X.xctest/...`.
        while !FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("bitaqa").path),
            directory.path != "/"
        {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("bitaqa")
    }

    /// A clean environment: only PATH and HOME from the test run, so the developer's settings never leak in.
    static func environment(_ extra: [String: String]) -> [String: String] {
        var base = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        base["HOME"] = ProcessInfo.processInfo.environment["HOME"]
        return base.merging(extra) { _, new in new }
    }

    static func run(_ arguments: [String], environment: [String: String] = [:], workingDirectory: String? = nil) throws
        -> Result
    {
        let running = try start(arguments, workingDirectory: workingDirectory, environment: environment)
        running.process.waitUntilExit()
        return Result(status: running.process.terminationStatus, stdout: running.stdout(), stderr: running.stderr())
    }

    static func start(_ arguments: [String], workingDirectory: String? = nil, environment: [String: String] = [:])
        throws -> Running
    {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = Self.environment(environment)
        if let workingDirectory { process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory) }
        let running = Running(process: process)
        try process.run()
        return running
    }

    /// A started process whose output is collected as it comes, so a full pipe never blocks it.
    final class Running: Sendable {
        let process: Process
        private let out = NIOLockedValueBox(Data())
        private let err = NIOLockedValueBox(Data())

        init(process: Process) {
            self.process = process
            let outPipe = Pipe()
            let errPipe = Pipe()
            process.standardOutput = outPipe
            process.standardError = errPipe
            let out = self.out
            let err = self.err
            outPipe.fileHandleForReading.readabilityHandler = { handle in
                let data = handle.availableData
                out.withLockedValue { $0.append(data) }
            }
            errPipe.fileHandleForReading.readabilityHandler = { handle in
                let data = handle.availableData
                err.withLockedValue { $0.append(data) }
            }
        }

        func stdout() -> String {
            drain()
            return out.withLockedValue { String(decoding: $0, as: UTF8.self) }
        }
        func stderr() -> String {
            drain()
            return err.withLockedValue { String(decoding: $0, as: UTF8.self) }
        }

        private func drain() {
            // Give the readability handlers a moment to deliver the last bytes after exit.
            if !process.isRunning { Thread.sleep(forTimeInterval: 0.2) }
        }

        func terminateIfRunning() {
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
        }
    }
}

enum FreePort {
    /// A TCP port on 127.0.0.1 that was free a moment ago.
    static func find() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

enum HTTPProbe {
    struct Timeout: Error {}

    /// Polls `url` until it answers 200, and returns the body.
    static func waitForOK(_ url: String, timeout: Duration, caFile: String? = nil) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let body = try? await get(url, caFile: caFile), body.0 == 200 { return body.1 }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Timeout()
    }

    /// A GET through curl, so the probe shares no code with the server under test.
    static func get(_ url: String, caFile: String? = nil) async throws -> (Int, String) {
        try request("GET", url, timeoutSeconds: 2, extra: caFile.map { ["--cacert", $0] } ?? [])
    }
}

extension HTTPProbe {
    /// Any request through curl: status and body.
    static func request(
        _ method: String, _ url: String, headers: [String: String] = [:], body: String? = nil, timeoutSeconds: Int = 10,
        extra: [String] = []
    ) throws -> (Int, String) {
        var arguments =
            ["-s", "-o", "-", "-w", "\n%{http_code}", "--max-time", "\(timeoutSeconds)", "-X", method] + extra
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { arguments += ["-H", "\(name): \(value)"] }
        if let body { arguments += ["--data-binary", body] }
        let text = try Subprocess.output("/usr/bin/curl", arguments + [url]).stdout
        guard let split = text.lastIndex(of: "\n"), let code = Int(text[text.index(after: split)...]) else {
            return (0, text)
        }
        return (code, String(text[..<split]))
    }
}

/// A `bitaqa serve` child process on a free port, stopped with SIGTERM.
struct ServerProcess {
    let running: BitaqaProcess.Running
    let port: Int
    var base: String { "http://127.0.0.1:\(port)" }

    static func start(directory: String, environment: [String: String]) async throws -> ServerProcess {
        let port = try FreePort.find()
        let running = try BitaqaProcess.start(
            ["serve", "--http-port", "\(port)"], workingDirectory: directory, environment: environment)
        let server = ServerProcess(running: running, port: port)
        _ = try await HTTPProbe.waitForOK(server.base + "/ready", timeout: .seconds(30))
        return server
    }

    /// Stops gracefully and returns everything the process wrote to stderr.
    func stop() -> String {
        kill(running.process.processIdentifier, SIGTERM)
        running.process.waitUntilExit()
        return running.stderr()
    }
}

/// A tool run to its end: its exit status and what it wrote to stdout (stderr is dropped).
enum Subprocess {
    static func output(_ tool: String, _ arguments: [String]) throws -> (status: Int32, stdout: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
