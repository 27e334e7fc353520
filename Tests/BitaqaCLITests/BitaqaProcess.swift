import Foundation
import NIOConcurrencyHelpers
import Testing

/// The built `bitaqa` executable, found beside the test bundle in the build folder.
enum BitaqaProcess {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// The build beside the tests, or `BITAQA_TEST_BINARY` (to measure another build, as
    /// `scripts/bench shutdown` does).
    static var executable: URL {
        if let other = ProcessInfo.processInfo.environment["BITAQA_TEST_BINARY"], !other.isEmpty {
            return URL(fileURLWithPath: other)
        }
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

    /// Runs to the end, within `timeout`: past it the process is killed and the test fails with its last output.
    static func run(
        _ arguments: [String], environment: [String: String] = [:], workingDirectory: String? = nil,
        timeout: Duration = .seconds(120), sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Result {
        let running = try start(arguments, workingDirectory: workingDirectory, environment: environment)
        running.expectExit(within: timeout, sourceLocation: sourceLocation)
        return Result(status: running.status, stdout: running.stdout(), stderr: running.stderr())
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
    ///
    /// Every wait on it has a deadline (issue 28: a `serve` that ignored SIGTERM once held the suite for 30
    /// minutes in `waitUntilExit()`): a process that misses one is killed, and the test fails with its last
    /// output.
    final class Running: Sendable {
        private struct Output {
            var data = Data()
            var closed = false
        }

        let process: Process
        private let out = NIOLockedValueBox(Output())
        private let err = NIOLockedValueBox(Output())

        init(process: Process) {
            self.process = process
            let outPipe = Pipe()
            let errPipe = Pipe()
            process.standardOutput = outPipe
            process.standardError = errPipe
            // A thread per pipe, blocked in read(2), which reports the end of file reliably; readabilityHandler
            // sometimes never delivers it.
            for (pipe, box) in [(outPipe, out), (errPipe, err)] {
                let handle = pipe.fileHandleForReading
                Thread.detachNewThread {
                    while true {
                        let data = handle.availableData
                        if data.isEmpty { break }
                        box.withLockedValue { $0.data.append(data) }
                    }
                    // Closed here, or every child would leave its descriptors open in the test runner: over a
                    // full run they reached thousands, where Foundation's Process.run() over-reads
                    // /proc/self/fd and crashes (swift-corelibs-foundation pull request 5472).
                    try? handle.close()
                    box.withLockedValue { $0.closed = true }
                }
            }
        }

        func stdout() -> String {
            drain()
            return out.withLockedValue { String(decoding: $0.data, as: UTF8.self) }
        }
        func stderr() -> String {
            drain()
            return err.withLockedValue { String(decoding: $0.data, as: UTF8.self) }
        }

        /// The exit status; -1 for a process that outlived even SIGKILL, whose status would trap.
        var status: Int32 { process.isRunning ? -1 : process.terminationStatus }

        /// How the process was started, for messages.
        var commandLine: String {
            ([process.executableURL?.lastPathComponent ?? "?"] + (process.arguments ?? [])).joined(separator: " ")
        }

        private func drain() {
            guard !process.isRunning else { return }
            // The readers get the last bytes after the exit. A grandchild that inherited a pipe may keep it
            // open, hence the bound.
            let deadline = ContinuousClock.now + .seconds(2)
            while !(out.withLockedValue(\.closed) && err.withLockedValue(\.closed)), ContinuousClock.now < deadline {
                Thread.sleep(forTimeInterval: 0.01)
            }
        }

        /// Polls instead of `waitUntilExit()`, which has no deadline. True if the process exited.
        func waitForExit(timeout: Duration) -> Bool {
            let deadline = ContinuousClock.now + timeout
            // Short pauses first: most waits are for a curl that is done within milliseconds.
            var pause = 0.001
            while process.isRunning {
                if ContinuousClock.now >= deadline { return false }
                Thread.sleep(forTimeInterval: pause)
                pause = min(pause * 2, 0.02)
            }
            return true
        }

        /// Waits up to `timeout` for a process that should end by itself (a command, a startup error); one that
        /// does not is killed, and the test fails with its last output. True if it exited in time.
        @discardableResult
        func expectExit(within timeout: Duration = .seconds(60), sourceLocation: SourceLocation = #_sourceLocation)
            -> Bool
        {
            if waitForExit(timeout: timeout) { return true }
            killAndRecord("did not exit within \(timeout)", sourceLocation: sourceLocation)
            return false
        }

        /// Sends `signal`, waits up to `grace` (`serve` bounds its own stop by BITAQA_SHUTDOWN_TIMEOUT, 30 s by
        /// default), and if the process is still there kills it and fails the test with its last output.
        /// Returns everything it wrote to stderr.
        @discardableResult
        func stop(
            signal: Int32 = SIGTERM, grace: Duration = .seconds(45), sourceLocation: SourceLocation = #_sourceLocation
        ) -> String {
            if process.isRunning { kill(process.processIdentifier, signal) }
            if !waitForExit(timeout: grace) {
                killAndRecord(
                    "did not exit within \(grace) after \(Self.name(of: signal))", sourceLocation: sourceLocation)
            }
            return stderr()
        }

        /// SIGKILL, for helpers stopped at the end of a test: the test runner's children inherit its blocked
        /// SIGTERM.
        func terminateIfRunning() {
            guard process.isRunning else { return }
            killGroup()
            if !waitForExit(timeout: .seconds(10)) {
                Issue.record("`\(commandLine)` (pid \(process.processIdentifier)) still runs 10 s after SIGKILL")
            }
        }

        /// The last `count` lines of stderr and of stdout, for a failure message.
        func lastLines(_ count: Int = 40) -> String {
            func tail(_ text: String) -> String {
                text.split(separator: "\n", omittingEmptySubsequences: false).suffix(count).joined(separator: "\n")
            }
            return """
                last \(count) lines of stderr:
                \(tail(stderr()))
                last \(count) lines of stdout:
                \(tail(stdout()))
                """
        }

        /// SIGKILL to the process and to what it started: Foundation makes each child the leader of a process
        /// group, and counts it as running (`isRunning`, `waitUntilExit()`) until every process holding its inherited
        /// descriptors is gone, even after it exited itself.
        private func killGroup() {
            if process.isRunning { kill(-process.processIdentifier, SIGKILL) }
        }

        private func killAndRecord(_ missed: String, sourceLocation: SourceLocation) {
            let pid = process.processIdentifier
            let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
            let held =
                stat.split(separator: ")").last?.split(separator: " ").first == "Z"
                ? " (it had exited, but processes it started still held its output)" : ""
            killGroup()
            let killed =
                waitForExit(timeout: .seconds(10))
                ? "killed with its process group" : "sent SIGKILL with its process group, yet still ran 10 s later"
            Issue.record(
                Comment(
                    rawValue: """
                        `\(commandLine)` (pid \(pid)) \(missed)\(held), and was \(killed).
                        \(lastLines())
                        To see where it was stuck, run it again and take a stack dump before the deadline: \
                        `gdb -p PID -batch -ex 'thread apply all bt'` (or `eu-stack -p PID`)
                        """), sourceLocation: sourceLocation)
        }

        private static func name(of signal: Int32) -> String {
            [SIGTERM: "SIGTERM", SIGINT: "SIGINT", SIGKILL: "SIGKILL", SIGQUIT: "SIGQUIT"][signal] ?? "signal \(signal)"
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
        let text = try Subprocess.output(
            "/usr/bin/curl", arguments + [url], timeout: .seconds(timeoutSeconds + 30)
        ).stdout
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
        do {
            _ = try await HTTPProbe.waitForOK(server.base + "/ready", timeout: .seconds(30))
        } catch {
            // A server that never became ready must not outlive the test that started it.
            let exited = !running.process.isRunning
            running.terminateIfRunning()
            guard error is HTTPProbe.Timeout else { throw error }
            throw FixtureFailure(
                "`\(running.commandLine)` (pid \(running.process.processIdentifier)) "
                    + (exited ? "exited with status \(running.status)" : "was killed: not ready within 30 s")
                    + "\n\(running.lastLines())")
        }
        return server
    }

    /// Stops with `signal` within `grace`, or kills and fails the test (`Running.stop`);
    /// returns everything the process wrote to stderr.
    func stop(
        signal: Int32 = SIGTERM, grace: Duration = .seconds(45), sourceLocation: SourceLocation = #_sourceLocation
    ) -> String {
        running.stop(signal: signal, grace: grace, sourceLocation: sourceLocation)
    }
}

/// A tool run to its end: its exit status and what it wrote to stdout.
enum Subprocess {
    /// Inherits the test run's environment. A tool still running after `timeout` is killed, and that is an error.
    static func output(_ tool: String, _ arguments: [String], timeout: Duration = .seconds(60)) throws -> (
        status: Int32, stdout: String
    ) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let running = BitaqaProcess.Running(process: process)
        try process.run()
        guard running.waitForExit(timeout: timeout) else {
            running.terminateIfRunning()
            throw FixtureFailure(
                "`\(running.commandLine)` did not finish within \(timeout) and was killed\n\(running.lastLines(10))")
        }
        return (running.status, running.stdout())
    }
}
