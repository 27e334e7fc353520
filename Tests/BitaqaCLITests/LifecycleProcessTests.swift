import BitaqaTestSupport
import Foundation
import Testing

/// How `bitaqa serve` (the debug build, which traps on resources left open) starts and stops: every
/// way out is an exit code and at most a line on stderr, never a signal.
@Suite("Serve lifecycle")
struct LifecycleProcessTests {
    /// Settings for SMTP and SMS channels that exist but are never reached: starting and stopping must
    /// not need them, and their clients must be closed on the way out.
    static func channelEnvironment(_ directory: TemporaryDirectory) throws -> [String: String] {
        let closed = try FreePort.find()
        return [
            "BITAQA_DATA_DIR": directory.path,
            "BITAQA_SMTP_URL": "smtp+insecure://127.0.0.1:\(closed)", "BITAQA_SMTP_FROM": "Cards <cards@shop.dz>",
            "BITAQA_SMS_URL": "http://127.0.0.1:\(closed)", "BITAQA_SMS_ACCOUNT_SID": "AC-lifecycle",
            "BITAQA_SMS_AUTH_TOKEN": "lifecycle-sms-token-0001", "BITAQA_SMS_FROM": "+15005550006",
        ]
    }

    static func expectCleanExit(_ running: BitaqaProcess.Running, status: Int32, _ comment: String = "") {
        let stderr = running.stderr()
        #expect(
            running.process.terminationReason == .exit,
            "ended by signal \(running.process.terminationStatus): \(stderr.suffix(1_500))")
        #expect(running.process.terminationStatus == status, "\(comment) \(stderr.suffix(1_500))")
        #expect(!stderr.contains("Fatal error"), "\(stderr.suffix(1_500))")
    }

    @Test("serve with SMTP and SMS configured stops on SIGTERM with exit 0")
    func sigtermWithChannels() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try await ServerProcess.start(
            directory: directory.path, environment: try Self.channelEnvironment(directory))
        defer { server.running.terminateIfRunning() }
        let (status, body) = try HTTPProbe.request("GET", server.base + "/ready")
        #expect(status == 200, "\(body)")
        _ = server.stop()
        Self.expectCleanExit(server.running, status: 0)
    }

    /// `serve` runs its own HTTP server loop (`ServedApplication`, issue 28), not Hummingbird's: the headers
    /// that loop adds must still be there, the date current.
    @Test("responses carry a current Date header and Server: Bitaqa")
    func responseHeaders() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try await ServerProcess.start(
            directory: directory.path, environment: try Self.channelEnvironment(directory))
        defer { _ = server.stop() }
        let (_, head) = try HTTPProbe.request("GET", server.base + "/health", extra: ["-D", "-"])
        let lines = head.split(separator: "\r\n").map(String.init)
        #expect(lines.contains("Server: Bitaqa"), "\(head)")
        let date = lines.first { $0.lowercased().hasPrefix("date: ") }.map { String($0.dropFirst(6)) }
        let parser = DateFormatter()
        parser.locale = Locale(identifier: "en_US_POSIX")
        parser.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        parser.timeZone = TimeZone(identifier: "GMT")
        let parsed = date.flatMap { parser.date(from: $0) }
        #expect(parsed.map { abs($0.timeIntervalSinceNow) < 5 } == true, "\(head)")
    }

    @Test(
        "a startup error after the database is open: exit 2, one line naming the setting, no trap",
        arguments: ["missing", "not-pem"]
    )
    func startupErrorAfterStoreOpened(kind: String) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let keyFile = directory.path + "/jwt.pem"
        if kind == "not-pem" { try "not a key".write(toFile: keyFile, atomically: true, encoding: .utf8) }
        var environment = try Self.channelEnvironment(directory)
        environment["BITAQA_JWT_PUBLIC_KEY_FILE"] = keyFile
        let port = try FreePort.find()
        let running = try BitaqaProcess.start(
            ["serve", "--http-port", "\(port)"], workingDirectory: directory.path, environment: environment)
        defer { running.terminateIfRunning() }
        guard running.expectExit() else { return }
        Self.expectCleanExit(running, status: 2)
        let lines = running.stderr().split(separator: "\n").filter { $0.hasPrefix("bitaqa:") }
        #expect(
            lines.count == 1 && lines[0].contains("BITAQA_JWT_PUBLIC_KEY_FILE"), "\(running.stderr().suffix(1_500))")
        if kind == "not-pem" {
            #expect(
                FileManager.default.fileExists(atPath: directory.path + "/bitaqa.sqlite"),
                "the store was opened before the failure")
        }
    }

    @Test("an HTTP port already in use: exit 1, one line saying so, no trap")
    func portInUse() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let listener = try Listener()
        defer { listener.close() }
        let running = try BitaqaProcess.start(
            ["serve", "--http-port", "\(listener.port)"], workingDirectory: directory.path,
            environment: try Self.channelEnvironment(directory)
        )
        defer { running.terminateIfRunning() }
        guard running.expectExit() else { return }
        Self.expectCleanExit(running, status: 1)
        let stderr = running.stderr()
        #expect(
            stderr.contains("bitaqa: the HTTP port \(listener.port) on 127.0.0.1 is already in use"),
            "\(stderr.suffix(1_500))")
        #expect(!stderr.contains("used after shutdown"), "\(stderr.suffix(1_500))")
    }

    /// Before the program's first instruction runs (the loader relocating the binary: a few ms, about 10
    /// for a debug build on a loaded machine) nothing can catch a signal, and SIGTERM ends the process by
    /// its default action: status 143, documented in the README; nothing was opened yet. From `main` on,
    /// it is a graceful stop with exit 0. Never a trap (signal 4, 6 or 11).
    @Test("SIGTERM during startup is a graceful stop, however early it comes", arguments: [0, 5, 10, 50, 200, 600])
    func earlySigterm(milliseconds: Int) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let port = try FreePort.find()
        let running = try BitaqaProcess.start(
            ["serve", "--http-port", "\(port)"], workingDirectory: directory.path,
            environment: try Self.channelEnvironment(directory)
        )
        defer { running.terminateIfRunning() }
        try await Task.sleep(for: .milliseconds(milliseconds))
        running.stop()
        if milliseconds <= 10 && running.process.terminationReason == .uncaughtSignal {
            #expect(
                running.process.terminationStatus == SIGTERM,
                "SIGTERM after \(milliseconds) ms: signal \(running.process.terminationStatus)")
        } else {
            Self.expectCleanExit(running, status: 0, "SIGTERM after \(milliseconds) ms")
        }
    }
}

/// A TCP socket listening on a free loopback port, to make that port busy.
struct Listener {
    let descriptor: Int32
    let port: Int

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.descriptor = descriptor
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(descriptor, 8) == 0 else { throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() {
        _ = Glibc.close(descriptor)
    }
}
