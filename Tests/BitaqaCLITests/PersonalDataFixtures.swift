import BitaqaCore
import BitaqaTestSupport
import Foundation
import NIOConcurrencyHelpers
import Storage
import Testing

/// One buyer of the personal-data process tests: a user id, a canary email in mixed case and a mobile
/// number known by its 9-digit national part, which every spelling of it contains.
struct CanaryBuyer: Sendable {
    let userId: String
    let email: String
    /// The 9 digits after `+213`, e.g. `551234567`.
    let national: String

    /// The number as `serve` stores and shows it.
    var phone: String { "+213" + national }

    /// The spellings a shop sends: `0551…`, `+213551…`, `00213551…`.
    var spellings: [String] { ["0" + national, "+213" + national, "00213" + national] }

    /// A buyer whose contacts appear nowhere else: `tag` is random per run, `index` tells buyers apart.
    static func canary(_ index: Int, tag: String, prefix: String = "pd") -> CanaryBuyer {
        // Digits that vary with the run's tag, so that no two runs share a number.
        let seed = tag.unicodeScalars.reduce(0) { ($0 * 31 + Int($1.value)) % 1_000_000 }
        let digits = String(format: "%08d", (seed * 100 + index * 7_919) % 100_000_000)
        return CanaryBuyer(
            userId: "\(prefix)-buyer-\(index)", email: "Canary.Buyer\(index).\(tag)@Shop-Test.DZ",
            national: ["5", "6", "7"][index % 3] + digits)
    }

    /// The canaries of this buyer for ``PersonalDataRig/hits(_:in:)``: the email as given and in lower case,
    /// and the national part of the phone (inside every spelling of it).
    func canaries(_ name: String) -> [String: String] {
        ["\(name) email": email, "\(name) email lower": email.lowercased(), "\(name) phone": national]
    }

    static func randomTag() -> String {
        String((0..<6).map { _ in "abcdefghijkmnpqrstuvwxyz23456789".randomElement()! })
    }
}

/// What the personal-data process suite shares: a standalone `bitaqa sandbox`, a `serve` process on a
/// fresh database (SQLite or PostgreSQL) whose data directory is the test's folder, the development
/// outbox (or, with `realChannels`, the SMTP server and SMS endpoint of the reliability suites), and the
/// merchant, customer and command-line surfaces the tests read.
struct PersonalDataRig {
    static let jwtSecret = "personal-data-process-jwt-secret-5e1b7d93a04c28f6"
    static let admin = DatabaseWriterProcessTests.admin

    let database: TestDatabase
    let directory: TemporaryDirectory
    let location: DatabaseLocation
    let sandboxURL: String
    let mail: FaultyMailServer?
    let sms: SMSEndpoint?
    var environment: [String: String]
    var server: ServerProcess

    /// Starts everything, runs `body`, and tears everything down, also when `body` throws.
    ///
    /// - Parameters:
    ///   - resolve: the sandbox's seconds before a top-up leaves HANDLING.
    ///   - realChannels: deliver through the SMTP server and the SMS endpoint (real recipients) instead of
    ///     the development outbox.
    ///   - prepare: runs on the empty database before `serve` starts.
    static func run(
        _ database: TestDatabase, settings: [String: String] = [:], resolve: (Double, Double) = (0.2, 0.5),
        realChannels: Bool = false,
        prepare: (DatabaseLocation) async throws -> Void = { _ in },
        _ body: (PersonalDataRig) async throws -> Void
    ) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (location, drop) = try await database.makeLocation(in: directory)
        let (sandbox, sandboxURL) = try await PipelineProcessTests.startSandbox(directory, resolve: resolve)
        defer { sandbox.terminateIfRunning() }
        let mail = realChannels ? try await FaultyMailServer.start(in: directory) : nil
        defer { mail?.stop() }
        try mail?.set(mode: "accept")
        let sms = realChannels ? try await SMSEndpoint.start(in: directory, token: "personal-data-sms-0001") : nil
        defer { sms?.stop() }
        var environment = PipelineProcessTests.serverEnvironment(
            directory, database: TestDatabase.url(of: location), sandbox: sandboxURL)
        environment.merge(
            [
                "BITAQA_JWT_SECRET": jwtSecret, "BITAQA_DELIVERY_RETRY_BASE": "0.2",
                "BITAQA_UPSTREAM_RATE_LIMIT": "500", "BITAQA_GIFT_CARD_RESOLVE_AFTER": "10",
                "BITAQA_AUDIT_CHECKPOINT_INTERVAL": "0.5",
            ]
        ) { $1 }
        if let mail { environment.merge(mail.environment) { $1 } }
        if let sms { environment.merge(sms.environment) { $1 } }
        environment.merge(settings) { $1 }
        do {
            try await prepare(location)
        } catch {
            await drop()
            throw error
        }
        let server: ServerProcess
        do {
            server = try await ServerProcess.start(directory: directory.path, environment: environment)
        } catch {
            await drop()
            throw error
        }
        let rig = PersonalDataRig(
            database: database, directory: directory, location: location, sandboxURL: sandboxURL, mail: mail,
            sms: sms, environment: environment, server: server)
        do {
            try await body(rig)
        } catch {
            server.running.terminateIfRunning()
            await drop()
            throw error
        }
        _ = server.stop()
        await drop()
    }

    // MARK: - The merchant API

    func request(_ method: String, _ path: String, body: String? = nil, token: String? = nil) throws -> (
        status: Int, body: String
    ) {
        var headers = Self.admin
        if let token { headers["Authorization"] = "Bearer \(token)" }
        let (status, reply) = try HTTPProbe.request(method, server.base + path, headers: headers, body: body)
        return (status, reply)
    }

    static func json(_ fields: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// `POST /v1/orders/send` for one ADSL top-up of `buyer`, the phone as `phone` spells it; the topupId.
    func send(number: String, buyer: CanaryBuyer, phone: String?, ref: String, email: Bool = true) throws -> String {
        var fields: [String: Any] = [
            "type": "ADSL", "number": number, "value": 500, "ref": ref, "userId": buyer.userId,
        ]
        if email { fields["email"] = buyer.email }
        if let phone { fields["phone"] = phone }
        let (status, body) = try request("POST", "/v1/orders/send", body: Self.json(fields))
        guard status == 201, let id = GiftCardRig.object(body)?["topupId"] as? String else {
            throw FixtureFailure("POST /v1/orders/send \(ref) answered \(status): \(body.prefix(400))")
        }
        return id
    }

    /// `GET /v1/orders/{topupId}`, decoded; nil unless 200.
    func order(_ id: String) throws -> [String: Any]? {
        let (status, body) = try request("GET", "/v1/orders/\(id)")
        return status == 200 ? GiftCardRig.object(body) : nil
    }

    /// The topupIds `GET /v1/orders?q=` answers for `query`.
    func search(_ query: String) throws -> [String] {
        let encoded = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? query
        let (status, body) = try request("GET", "/v1/orders?q=\(encoded)&limit=50")
        guard status == 200 else { return ["status \(status): \(body.prefix(200))"] }
        return (GiftCardRig.object(body)?["orders"] as? [[String: Any]] ?? []).compactMap { $0["topupId"] as? String }
    }

    /// Polls `GET /v1/orders/{topupId}` until `done` holds, at most `timeout`; on timeout records an issue
    /// with the order last seen and the server's last log lines, and returns what it saw last.
    @discardableResult
    func waitForOrder(
        _ id: String, _ what: String, timeout: Duration = .seconds(60),
        sourceLocation: SourceLocation = #_sourceLocation,
        until done: ([String: Any]) -> Bool
    ) async throws -> [String: Any]? {
        let deadline = ContinuousClock.now + timeout
        var last = try order(id)
        while ContinuousClock.now < deadline {
            if let last, done(last) { return last }
            try await Task.sleep(for: .milliseconds(200))
            last = try order(id)
        }
        if let last, done(last) { return last }
        Issue.record(
            Comment(
                rawValue: """
                    \(id) not \(what) within \(timeout); last seen: \(last.map { "\($0)" } ?? "nothing")
                    \(server.running.lastLines(20))
                    """), sourceLocation: sourceLocation)
        return last
    }

    /// Polls `GET /v1/gift-card-orders/{ref}` like ``waitForOrder(_:_:timeout:sourceLocation:until:)``.
    @discardableResult
    func waitForGiftCardOrder(
        _ ref: String, _ what: String, timeout: Duration = .seconds(60),
        sourceLocation: SourceLocation = #_sourceLocation, until done: ([String: Any]) -> Bool
    ) async throws -> [String: Any]? {
        let deadline = ContinuousClock.now + timeout
        var last: [String: Any]?
        while ContinuousClock.now < deadline {
            let (status, body) = try request("GET", "/v1/gift-card-orders/\(ref)")
            last = status == 200 ? GiftCardRig.object(body) : last
            if let last, done(last) { return last }
            try await Task.sleep(for: .milliseconds(200))
        }
        Issue.record(
            Comment(
                rawValue: """
                    \(ref) not \(what) within \(timeout); last seen: \(last.map { "\($0)" } ?? "nothing")
                    \(server.running.lastLines(20))
                    """), sourceLocation: sourceLocation)
        return last
    }

    /// Every delivery of the order object delivered, and `count` of them.
    static func delivered(_ order: [String: Any], count: Int = 2) -> Bool {
        GiftCardRig.delivered(order, count: count)
    }

    /// The order object's `email` and `phone`: the value, `null` (NSNull) when absent or erased, or nil when
    /// the key is missing.
    static func contacts(_ order: [String: Any]?) -> (email: Any?, phone: Any?) {
        (order?["email"], order?["phone"])
    }

    /// Both keys present and `null`.
    static func erased(_ order: [String: Any]) -> Bool {
        order["email"] is NSNull && order["phone"] is NSNull
    }

    /// The audit events of one order (`GET /v1/audit?order=`).
    func auditEvents(_ id: String) throws -> [[String: Any]] {
        let (status, body) = try request("GET", "/v1/audit?order=\(id)")
        guard status == 200 else { throw FixtureFailure("GET /v1/audit?order=\(id) answered \(status): \(body)") }
        return GiftCardRig.object(body)?["events"] as? [[String: Any]] ?? []
    }

    /// The events of `kind` among an order's, with their details.
    func audit(_ id: String, kind: String) throws -> [[String: String]] {
        try auditEvents(id).filter { $0["kind"] as? String == kind }.map { $0["details"] as? [String: String] ?? [:] }
    }

    /// One series of `/metrics` (the admin token), e.g. `bitaqa_contacts_erased_total{reason="request"}`;
    /// 0 when the series is not there yet.
    func metric(_ series: String) throws -> Double {
        let (status, body) = try request("GET", "/metrics")
        guard status == 200 else { throw FixtureFailure("GET /metrics answered \(status)") }
        let line = body.split(separator: "\n").first { $0.hasPrefix(series + " ") }
        return line.flatMap { $0.split(separator: " ").last.flatMap { Double($0) } } ?? 0
    }

    /// A command of the same `bitaqa` against the same database and keys, while `serve` runs.
    func cli(
        _ arguments: [String], timeout: Duration = .seconds(120), sourceLocation: SourceLocation = #_sourceLocation
    )
        throws -> BitaqaProcess.Result
    {
        try BitaqaProcess.run(
            arguments, environment: environment, workingDirectory: directory.path, timeout: timeout,
            sourceLocation: sourceLocation)
    }

    /// Runs `body` on a store of the rig's database opened for it alone, closed before returning.
    ///
    /// Never kept open across a read of the data directory: SQLite's locks are POSIX locks, which the test
    /// process loses on the database file when it closes any descriptor of that file (as reading it does),
    /// and a store left writing without them corrupts the database under `serve`.
    func withStore<T>(_ body: (Store) async throws -> T) async throws -> T {
        let store: Store
        do {
            store = try await Store.open(location, logger: TestDatabase.quietLogger)
        } catch {
            throw FixtureFailure("opening the test's store: \(error)")
        }
        do {
            let result = try await body(store)
            await store.shutdown()
            return result
        } catch {
            await store.shutdown()
            throw FixtureFailure("on the test's store: \(error)")
        }
    }

    // MARK: - Canary search

    /// The text of every file under `folder`, recursively.
    static func files(in folder: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return [] }
        return walker.compactMap { name in
            (name as? String).flatMap { try? String(contentsOfFile: folder + "/" + $0, encoding: .utf8) }
        }
    }

    /// Every file under the data directory (the database files with their `-wal` and `-shm`, the outbox, the
    /// audit checkpoint, whatever else), by path, except the fixture servers' own files (the SMTP server's
    /// spool holds what it received, as a buyer's mailbox would).
    func dataDirectoryFiles() -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        let root = URL(fileURLWithPath: directory.path)
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
        else { return files }
        for case let url as URL in walker {
            let relative = String(url.path.dropFirst(root.path.count + 1))
            if relative.hasPrefix("smtp") || relative.hasPrefix("sms.jsonl") { continue }
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true,
                let data = FileManager.default.contents(atPath: url.path)
            else { continue }
            files["file " + relative] = Array(data)
        }
        return files
    }

    /// The data directory's files and, on PostgreSQL, every table (``CanarySearch/databaseContents(_:)``).
    func everyPlace() async throws -> [String: [UInt8]] {
        var places = dataDirectoryFiles()
        if database == .postgres { places.merge(try await CanarySearch.databaseContents(location)) { $1 } }
        return places
    }
}

/// A client that searches the merchant API in a loop beside the work under test, and counts the answers
/// that did not find exactly the expected order, by phase (`before`, `during`, `after` the work).
final class SearchLoop: Sendable {
    struct Tally: Sendable {
        var searches: [String: Int] = [:]
        var misses: [String] = []
    }

    private let state = NIOLockedValueBox((phase: "before", stop: false, tally: Tally()))

    var phase: String {
        get { state.withLockedValue { $0.phase } }
        set { state.withLockedValue { $0.phase = newValue } }
    }

    var tally: Tally { state.withLockedValue { $0.tally } }

    /// Searches `queries()` on `rig`'s server one after another until ``stop()``; each answer must be
    /// exactly `[expected]`.
    func start(_ rig: PersonalDataRig, _ queries: @escaping @Sendable () -> (query: String, expected: String))
        -> Task<Void, Never>
    {
        Task.detached { [state] in
            while !state.withLockedValue({ $0.stop }) {
                let (query, expected) = queries()
                let found = (try? rig.search(query)) ?? ["the request failed"]
                state.withLockedValue { value in
                    value.tally.searches[value.phase, default: 0] += 1
                    if found != [expected] {
                        value.tally.misses.append("\(value.phase): q=\(query) found \(found), not [\(expected)]")
                    }
                }
            }
        }
    }

    /// Waits until `count` answers of the current phase came back, at most 30 s.
    func waitForAnswers(_ count: Int) async throws {
        let phase = phase
        _ = try await Reliability.waitUntil(.seconds(30), every: .milliseconds(50)) {
            (tally.searches[phase] ?? 0) >= count
        }
    }

    func stop() { state.withLockedValue { $0.stop = true } }
}
