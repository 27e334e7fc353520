import BitaqaTestSupport
import Foundation
import Orders
import SQLKit
import Storage

/// What the reliability suites share: counts for CI or the full manual run, the fixture servers under
/// `scripts/reliability/`, the sandbox's control routes, and the database's view of the pipeline.
enum Reliability {
    /// `BITAQA_RELIABILITY_FULL=1` runs the issue's full counts and durations; CI runs smaller ones.
    static let full = ProcessInfo.processInfo.environment["BITAQA_RELIABILITY_FULL"] == "1"

    static func count(ci: Int, full: Int) -> Int { Self.full ? full : ci }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func script(_ name: String) -> String {
        repository.appendingPathComponent("scripts/reliability/\(name)").path
    }

    /// Debian's interpreter: it has aiosmtpd, where a pyenv or venv `python3` on PATH may not.
    static let python =
        FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : "python3"

    /// Starts a child process that is not `bitaqa`, collecting its output like ``BitaqaProcess``.
    static func start(_ executable: String, _ arguments: [String]) throws -> BitaqaProcess.Running {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = BitaqaProcess.environment([:])
        let running = BitaqaProcess.Running(process: process)
        try process.run()
        return running
    }

    /// Registers one ADSL order through `/v1/orders/send` and returns its topupId.
    static func place(
        _ server: ServerProcess, index: Int, email: String? = nil, phone: String? = "0551234567", prefix: String = "rel"
    ) throws -> String? {
        var fields = [
            #""type":"ADSL""#, #""number":"\#(String(format: "036%06d", index))""#, #""value":500"#,
            #""userId":"u\#(index)""#, #""ref":"\#(prefix)-\#(index)""#,
        ]
        fields.append(#""email":"\#(email ?? "b\(index)@shop.dz")""#)
        if let phone { fields.append(#""phone":"\#(phone)""#) }
        let (status, body) = try HTTPProbe.request(
            "POST", server.base + "/v1/orders/send",
            headers: [
                "Authorization": "Bearer \(PipelineProcessTests.adminToken)", "Content-Type": "application/json",
            ],
            body: "{" + fields.joined(separator: ",") + "}"
        )
        guard status == 201, let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
        else { return nil }
        return object["topupId"] as? String
    }

    /// Places `count` orders, eight at a time, spread over `servers` in turn.
    static func placeAll(
        _ count: Int, on servers: [ServerProcess], email: @escaping @Sendable (Int) -> String? = { _ in nil }
    ) async throws -> [String] {
        try await withThrowingTaskGroup(of: String?.self) { group in
            var placed: [String] = []
            for index in 0..<count {
                if index >= 8, let id = try await group.next() { if let id { placed.append(id) } }
                let server = servers[index % servers.count]
                group.addTask { try place(server, index: index, email: email(index)) }
            }
            for try await id in group { if let id { placed.append(id) } }
            return placed
        }
    }

    /// Deliveries per state, straight from the database.
    /// What every PostgreSQL session of the test database is doing, and the locks it waits on or holds,
    /// for a failure message; empty on SQLite.
    static func sessions(_ store: Store) async throws -> String {
        guard store.kind == .postgres else { return "" }
        let rows = try await store.sql.raw(
            """
            SELECT a.pid, a.state, coalesce(a.wait_event_type, '') AS wait, coalesce(a.wait_event, '') AS event,
              left(a.query, 70) AS query, extract(epoch FROM now() - a.state_change)::int AS seconds,
              (SELECT string_agg(l.locktype || ':' || l.mode || ':' || l.granted, ',') FROM pg_locks l
                WHERE l.pid = a.pid AND l.locktype <> 'virtualxid') AS locks
            FROM pg_stat_activity a WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()
            """
        ).all()
        return try rows.map { row in
            try [
                "\(try row.decode(column: "pid", as: Int.self))", row.decode(column: "state", as: String?.self) ?? "",
                row.decode(column: "wait", as: String.self), row.decode(column: "event", as: String.self),
                "\(try row.decode(column: "seconds", as: Int?.self) ?? -1)s",
                row.decode(column: "locks", as: String?.self) ?? "", row.decode(column: "query", as: String.self),
            ].joined(separator: " | ")
        }.joined(separator: "\n")
    }

    static func deliveryStates(_ store: Store) async throws -> [String: Int] {
        let rows = try await store.sql.raw("SELECT state, COUNT(*) AS n FROM deliveries GROUP BY state").all()
        var states: [String: Int] = [:]
        for row in rows {
            states[try row.decode(column: "state", as: String.self)] = try row.decode(column: "n", as: Int.self)
        }
        return states
    }

    /// Polls until `done` holds or `timeout` passes; returns whether it held.
    static func waitUntil(
        _ timeout: Duration, every interval: Duration = .milliseconds(200), _ done: () async throws -> Bool
    ) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await done() { return true }
            try await Task.sleep(for: interval)
        }
        return try await done()
    }

    /// Resident memory of a process in KiB: now (`VmRSS`) and at its peak (`VmHWM`).
    static func memory(of pid: Int32) -> (current: Int, peak: Int)? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        func field(_ name: String) -> Int? {
            status.split(separator: "\n").first { $0.hasPrefix(name + ":") }
                .flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") }
        }
        guard let current = field("VmRSS"), let peak = field("VmHWM") else { return nil }
        return (current, peak)
    }
}

/// `scripts/reliability/smtp_faults.py`: aiosmtpd whose answers a control file steers.
struct FaultyMailServer {
    let running: BitaqaProcess.Running
    let port: Int
    let directory: String

    static func start(in directory: TemporaryDirectory) async throws -> FaultyMailServer {
        let folder = directory.path + "/smtp"
        try FileManager.default.createDirectory(atPath: folder + "/spool", withIntermediateDirectories: true)
        let port = try FreePort.find()
        let running = try Reliability.start(
            Reliability.python,
            [
                Reliability.script("smtp_faults.py"), "--host", "127.0.0.1", "--port", "\(port)", "--spool",
                folder + "/spool",
                "--control", folder + "/control.json", "--events", folder + "/events.jsonl",
            ])
        let server = FaultyMailServer(running: running, port: port, directory: folder)
        guard try await Reliability.waitUntil(.seconds(15), { running.stdout().contains("ready") }) else {
            throw FixtureFailure("smtp_faults.py did not start: \(running.stderr())")
        }
        return server
    }

    /// `accept`, `tempfail` or `drop`; `reject` recipients get 550; each message's DATA answered after `delay` seconds.
    func set(mode: String, reject: [String] = [], delay: Double = 0) throws {
        let object: [String: Any] = ["mode": mode, "reject": reject, "delay": delay]
        let data = try JSONSerialization.data(withJSONObject: object)
        let temporary = directory + "/.control.json"
        try data.write(to: URL(fileURLWithPath: temporary))
        _ = rename(temporary, directory + "/control.json")
    }

    /// The server's outcomes in order: `accepted`, `tempfail`, `dropped`, `rejected`.
    func events() -> [(event: String, messageID: String?, recipients: [String])] {
        guard let text = try? String(contentsOfFile: directory + "/events.jsonl", encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let event = object["event"] as? String
            else { return nil }
            return (event, object["message_id"] as? String, object["rcpt"] as? [String] ?? [])
        }
    }

    /// Accepted messages per `Message-ID`.
    func accepted() -> [String: Int] {
        events().filter { $0.event == "accepted" }.reduce(into: [:]) { $0[$1.messageID ?? "?", default: 0] += 1 }
    }

    var url: String { "smtp+insecure://127.0.0.1:\(port)" }

    /// The settings that point `serve` at this server.
    var environment: [String: String] { ["BITAQA_SMTP_URL": url, "BITAQA_SMTP_FROM": "Cards <cards@shop.dz>"] }

    func stop() { running.terminateIfRunning() }
}

/// `scripts/reliability/sms_endpoint.py`: a Twilio-compatible SMS API.
struct SMSEndpoint {
    let running: BitaqaProcess.Running
    let port: Int
    let log: String
    let sid: String
    let token: String

    static func start(in directory: TemporaryDirectory, sid: String = "ACreliability", token: String) async throws
        -> SMSEndpoint
    {
        let port = try FreePort.find()
        let log = directory.path + "/sms.jsonl"
        let running = try Reliability.start(
            Reliability.python,
            [
                Reliability.script("sms_endpoint.py"), "--host", "127.0.0.1", "--port", "\(port)", "--sid", sid,
                "--token", token,
                "--log", log,
            ])
        let endpoint = SMSEndpoint(running: running, port: port, log: log, sid: sid, token: token)
        guard try await Reliability.waitUntil(.seconds(15), { running.stdout().contains("ready") }) else {
            throw FixtureFailure("sms_endpoint.py did not start: \(running.stderr())")
        }
        return endpoint
    }

    var environment: [String: String] {
        [
            "BITAQA_SMS_URL": "http://127.0.0.1:\(port)", "BITAQA_SMS_ACCOUNT_SID": sid, "BITAQA_SMS_AUTH_TOKEN": token,
            "BITAQA_SMS_FROM": "+15005550006",
        ]
    }

    /// Bodies of the messages received, in order.
    func bodies() -> [String] { field("body") }

    /// Recipients of the messages received, in order.
    func recipients() -> [String] { field("to") }

    private func field(_ name: String) -> [String] {
        guard let text = try? String(contentsOfFile: log, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?[name] as? String
        }
    }

    func stop() { running.terminateIfRunning() }
}

/// The standalone sandbox's `/sandbox/*` routes.
struct SandboxControl {
    struct Record: Decodable {
        let route: String
        let id: String
        let agent: String
        let start: Double
        let end: Double
        let status: Int
    }

    let base: String
    var key = PipelineProcessTests.sandboxKey
    var headers: [String: String] { ["X-Access-Token": key, "Content-Type": "application/json"] }

    func setFaults(
        serverErrors: Double = 0, rateLimits: Double = 0, malformed: Double = 0, slow: Double = 0,
        slowSeconds: Double = 30, retryAfter: Int = 1,
        routes: [String] = ["check-id"]
    ) throws {
        let routeList = routes.map { "\"\($0)\"" }.joined(separator: ",")
        let body =
            #"{"serverErrors":\#(serverErrors),"rateLimits":\#(rateLimits),"malformed":\#(malformed),"slow":\#(slow),"slowSeconds":\#(slowSeconds),"retryAfter":\#(retryAfter),"routes":[\#(routeList)]}"#
        let (status, reply) = try HTTPProbe.request("PUT", base + "/sandbox/faults", headers: headers, body: body)
        guard status == 200 else { throw FixtureFailure("PUT /sandbox/faults answered \(status): \(reply)") }
    }

    func requests() throws -> [Record] {
        let (status, body) = try HTTPProbe.request(
            "GET", base + "/sandbox/requests", headers: headers, timeoutSeconds: 60)
        guard status == 200 else { throw FixtureFailure("GET /sandbox/requests answered \(status)") }
        struct Log: Decodable { let requests: [Record] }
        return try JSONDecoder().decode(Log.self, from: Data(body.utf8)).requests
    }

    func cardCodes() throws -> [String] {
        let (_, body) = try HTTPProbe.request("GET", base + "/sandbox/cards", headers: headers)
        let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
        return (object?["data"] as? [String: Any])?["codes"] as? [String] ?? []
    }
}

struct FixtureFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
