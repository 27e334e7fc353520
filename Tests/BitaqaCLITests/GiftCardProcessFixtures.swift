import BitaqaTestSupport
import Foundation
import Storage
import Testing

/// What the gift-card process suites share: a standalone `bitaqa sandbox`, a `serve` process on a fresh
/// database (SQLite or PostgreSQL), a real SMTP server (`scripts/reliability/smtp_faults.py`, aiosmtpd) when
/// aiosmtpd is installed or the development outbox otherwise, the SMS outbox, and the sandbox's gift-card
/// control routes.
struct GiftCardRig {
    static let admin = PipelineProcessTests.adminToken
    static let sandboxKey = PipelineProcessTests.sandboxKey
    static let jwtSecret = "gift-card-process-jwt-secret-3f9a1c7e5b2d4068"

    /// A real SMTP server when `scripts/test` provides one (`BITAQA_TEST_SMTP_HOST`) or aiosmtpd is
    /// installed, as the delivery process tests use; the development outbox otherwise.
    static let realSMTP: Bool = {
        if ProcessInfo.processInfo.environment["BITAQA_TEST_SMTP_HOST"] != nil { return true }
        return (try? Subprocess.output(Reliability.python, ["-c", "import aiosmtpd"], timeout: .seconds(30)))?
            .status == 0
    }()

    let directory: TemporaryDirectory
    let location: DatabaseLocation
    let sandbox: BitaqaProcess.Running
    let sandboxURL: String
    let mail: FaultyMailServer?
    var environment: [String: String]
    var server: ServerProcess
    /// What the servers stopped so far wrote to stderr, oldest first.
    var stoppedLogs: [String] = []

    /// Starts everything, runs `body`, and tears everything down, also when `body` throws.
    ///
    /// - Parameter resolve: the sandbox's seconds before an order leaves HANDLING.
    static func run(
        _ database: TestDatabase, settings: [String: String] = [:], resolve: (Double, Double) = (0.2, 0.6),
        _ body: (inout GiftCardRig) async throws -> Void
    ) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (location, drop) = try await database.makeLocation(in: directory)
        let (sandbox, sandboxURL) = try await PipelineProcessTests.startSandbox(directory, resolve: resolve)
        defer { sandbox.terminateIfRunning() }
        let mail = realSMTP ? try await FaultyMailServer.start(in: directory) : nil
        defer { mail?.stop() }
        try mail?.set(mode: "accept")
        var environment = PipelineProcessTests.serverEnvironment(
            directory, database: TestDatabase.url(of: location), sandbox: sandboxURL)
        environment.merge(
            [
                "BITAQA_JWT_SECRET": jwtSecret, "BITAQA_GIFT_CARD_RESOLVE_AFTER": "10",
                "BITAQA_DELIVERY_RETRY_BASE": "0.2", "BITAQA_UPSTREAM_RATE_LIMIT": "500",
            ]
        ) { $1 }
        if let mail { environment.merge(mail.environment) { $1 } }
        environment.merge(settings) { $1 }
        let server = try await ServerProcess.start(directory: directory.path, environment: environment)
        var rig = GiftCardRig(
            directory: directory, location: location, sandbox: sandbox, sandboxURL: sandboxURL, mail: mail,
            environment: environment, server: server)
        do {
            try await body(&rig)
        } catch {
            rig.server.running.terminateIfRunning()
            await drop()
            throw error
        }
        _ = rig.server.stop()
        await drop()
    }

    // MARK: - The merchant API

    var adminHeaders: [String: String] {
        ["Authorization": "Bearer \(Self.admin)", "Content-Type": "application/json"]
    }

    func request(_ method: String, _ path: String, body: String? = nil, headers: [String: String]? = nil) throws
        -> (status: Int, body: String)
    {
        let (status, reply) = try HTTPProbe.request(
            method, server.base + path, headers: headers ?? adminHeaders, body: body)
        return (status, reply)
    }

    /// The body of `POST /v1/gift-card-orders`.
    static func orderBody(
        ref: String, productId: String = "psn-dz", typeId: String, quantity: Int, userId: String,
        email: String? = nil, phone: String? = nil, locale: String? = nil
    ) -> String {
        var fields: [String: Any] = [
            "ref": ref, "productId": productId, "typeId": typeId, "quantity": quantity, "userId": userId,
        ]
        if let email { fields["email"] = email }
        if let phone { fields["phone"] = phone }
        if let locale { fields["locale"] = locale }
        let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// `POST /v1/gift-card-orders`: the status and the body.
    func place(
        ref: String, productId: String = "psn-dz", typeId: String, quantity: Int, userId: String,
        email: String? = nil, phone: String? = nil, locale: String? = nil
    ) throws -> (status: Int, body: String) {
        try request(
            "POST", "/v1/gift-card-orders",
            body: Self.orderBody(
                ref: ref, productId: productId, typeId: typeId, quantity: quantity, userId: userId, email: email,
                phone: phone, locale: locale))
    }

    /// `GET /v1/gift-card-orders/{ref}`, decoded; nil unless 200.
    func order(_ ref: String) throws -> [String: Any]? {
        let (status, body) = try request("GET", "/v1/gift-card-orders/\(ref)")
        guard status == 200 else { return nil }
        return Self.object(body)
    }

    /// Every gift-card order, through the list's pages.
    func allOrders() throws -> [[String: Any]] {
        var orders: [[String: Any]] = []
        var cursor: String?
        for _ in 0..<50 {
            var path = "/v1/gift-card-orders?limit=200"
            if let cursor {
                path += "&cursor=\(cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
            }
            let (status, body) = try request("GET", path)
            guard status == 200, let page = Self.object(body) else {
                throw FixtureFailure("GET \(path) answered \(status): \(body.prefix(300))")
            }
            orders += page["orders"] as? [[String: Any]] ?? []
            cursor = page["nextCursor"] as? String
            if cursor == nil { break }
        }
        return orders
    }

    /// Polls the order until `done` holds, at most `timeout`; on timeout records an issue with the order and
    /// the server's last log lines, and returns what it saw last.
    @discardableResult
    func waitForOrder(
        _ ref: String, _ what: String, timeout: Duration = .seconds(60),
        sourceLocation: SourceLocation = #_sourceLocation, until done: ([String: Any]) -> Bool
    ) async throws -> [String: Any]? {
        let deadline = ContinuousClock.now + timeout
        var last: [String: Any]?
        while ContinuousClock.now < deadline {
            last = try order(ref)
            if let last, done(last) { return last }
            try await Task.sleep(for: .milliseconds(200))
        }
        last = try order(ref)
        if let last, done(last) { return last }
        Issue.record(
            Comment(
                rawValue: """
                    \(ref) not \(what) within \(timeout); last seen: \(last.map { "\($0)" } ?? "nothing")
                    \(server.running.lastLines(30))
                    """), sourceLocation: sourceLocation)
        return last
    }

    static func status(_ order: [String: Any]) -> String? { order["status"] as? String }

    static func deliveryStates(_ order: [String: Any]) -> [String] {
        (order["deliveries"] as? [[String: Any]] ?? []).compactMap { $0["state"] as? String }
    }

    /// Every one of its `count` deliveries ended delivered.
    static func delivered(_ order: [String: Any], count: Int) -> Bool {
        let states = deliveryStates(order)
        return states.count == count && states.allSatisfy { $0 == "delivered" }
    }

    // MARK: - The customer API

    func customer(_ path: String, user: String) async throws -> (status: Int, body: String) {
        let token = try await CustomerToken.hs256(subject: user, secret: Self.jwtSecret)
        return try request("GET", path, headers: ["Authorization": "Bearer \(token)"])
    }

    /// The `cards` of `GET /api/gift-card-orders/{ref}/cards` as (code, serial) pairs, in order.
    static func cardPairs(_ body: String) -> [GiftCardPair] {
        (object(body)?["cards"] as? [[String: Any]] ?? []).map {
            GiftCardPair(code: $0["code"] as? String ?? "", serial: $0["serial"] as? String ?? "")
        }
    }

    // MARK: - The sandbox

    var sandboxHeaders: [String: String] { ["X-Access-Token": Self.sandboxKey, "Content-Type": "application/json"] }

    /// `GET /sandbox/gift-cards/counts`.
    func sandboxCounts() throws -> (placeOrderCalls: Int, orders: Int) {
        let (status, body) = try HTTPProbe.request(
            "GET", sandboxURL + "/sandbox/gift-cards/counts", headers: sandboxHeaders)
        guard status == 200, let data = Self.object(body)?["data"] as? [String: Any],
            let calls = data["placeOrderCalls"] as? Int, let orders = data["orders"] as? Int
        else { throw FixtureFailure("GET /sandbox/gift-cards/counts answered \(status): \(body)") }
        return (calls, orders)
    }

    /// `PUT /sandbox/gift-cards/faults`.
    func setFaults(lostAnswers: Int = 0, unavailable: Int = 0) throws {
        let (status, body) = try HTTPProbe.request(
            "PUT", sandboxURL + "/sandbox/gift-cards/faults", headers: sandboxHeaders,
            body: #"{"lostAnswers":\#(lostAnswers),"unavailable":\#(unavailable)}"#)
        guard status == 200 else { throw FixtureFailure("PUT /sandbox/gift-cards/faults answered \(status): \(body)") }
    }

    /// `GET /sandbox/gift-cards/cards`: every code and serial the sandbox issued.
    func sandboxIssued() throws -> [String] {
        let (status, body) = try HTTPProbe.request(
            "GET", sandboxURL + "/sandbox/gift-cards/cards", headers: sandboxHeaders)
        guard status == 200 else { throw FixtureFailure("GET /sandbox/gift-cards/cards answered \(status)") }
        return (Self.object(body)?["data"] as? [String: Any])?["codes"] as? [String] ?? []
    }

    /// The cards of one sandbox order, in its order, from `GET /v3/gift-cards/checkOrder/{orderId}` (once
    /// resolved); and its status.
    func sandboxOrder(_ orderId: String) throws -> (status: String, cards: [GiftCardPair]) {
        let (status, body) = try HTTPProbe.request(
            "GET", sandboxURL + "/v3/gift-cards/checkOrder/\(orderId)", headers: sandboxHeaders)
        guard status == 200, let data = Self.object(body)?["data"] as? [String: Any] else {
            throw FixtureFailure("checkOrder \(orderId) answered \(status): \(body.prefix(300))")
        }
        let cards = (data["cards"] as? [[String: Any]] ?? []).map {
            GiftCardPair(code: $0["value"] as? String ?? "", serial: $0["serial"] as? String ?? "")
        }
        return (data["status"] as? String ?? "?", cards)
    }

    /// Every order id the sandbox holds, from `GET /v3/gift-cards/list`.
    func sandboxOrderIds() throws -> [String] {
        var ids: [String] = []
        for page in 1...50 {
            let (status, body) = try HTTPProbe.request(
                "GET", sandboxURL + "/v3/gift-cards/list?page=\(page)&pageSize=100", headers: sandboxHeaders)
            guard status == 200, let data = Self.object(body)?["data"] as? [String: Any] else {
                throw FixtureFailure("gift-cards/list answered \(status): \(body.prefix(300))")
            }
            ids += (data["items"] as? [[String: Any]] ?? []).compactMap { $0["_id"] as? String }
            let pages = (data["pagination"] as? [String: Any])?["totalPages"] as? Int ?? 1
            if page >= pages { break }
        }
        return ids
    }

    /// `placeOrder` straight at the sandbox, as a shop script would behind Bitaqa's back.
    func placeAround(productId: String = "psn-dz", typeId: String, quantity: Int) throws -> String {
        let (status, body) = try HTTPProbe.request(
            "POST", sandboxURL + "/v3/gift-cards/placeOrder", headers: sandboxHeaders,
            body: #"{"productId":"\#(productId)","typeId":"\#(typeId)","quantity":\#(quantity)}"#)
        guard status == 200, let id = (Self.object(body)?["data"] as? [String: Any])?["orderId"] as? String else {
            throw FixtureFailure("placeOrder answered \(status): \(body.prefix(300))")
        }
        return id
    }

    // MARK: - Messages

    /// The stable `Message-ID` (without its brackets) of a gift-card order's message
    /// (`GiftCardMessages.messageID`), for a ref of letters, digits and `-`.
    static func messageID(ref: String, channel: String, purpose: String) -> String {
        "gc=3A\(ref).\(channel).\(purpose)@bitaqa"
    }

    /// Where the emails are: the SMTP server's spool, or the development outbox.
    var emailFolder: String { mail.map { $0.directory + "/spool" } ?? directory.path + "/outbox/email" }

    /// Every email received so far, raw.
    func rawEmails() -> [String] {
        Self.files(in: emailFolder).compactMap { String(data: $0, encoding: .utf8) }
    }

    /// The decoded text of each email with this message id (repeats included).
    func emails(ref: String, purpose: String) -> [String] {
        let id = "<" + Self.messageID(ref: ref, channel: "email", purpose: purpose) + ">"
        return rawEmails().filter { $0.contains(id) }.map(GiftCardMIME.decodedText)
    }

    /// Every SMS written to the development outbox so far.
    func rawSMS() -> [String] {
        Self.files(in: directory.path + "/outbox/sms").map { String(decoding: $0, as: UTF8.self) }
    }

    /// The SMS with this message id (repeats included).
    func sms(ref: String, purpose: String) -> [String] {
        let id = "<" + Self.messageID(ref: ref, channel: "sms", purpose: purpose) + ">"
        return rawSMS().filter { $0.contains(id) }
    }

    /// Waits until `done` holds for the messages, at most `timeout`.
    func waitForMessages(_ timeout: Duration = .seconds(30), _ done: () -> Bool) async throws -> Bool {
        try await Reliability.waitUntil(timeout, every: .milliseconds(100)) { done() }
    }

    /// Files of a folder, without the dot files of a write in progress, sorted by name.
    static func files(in folder: String) -> [Data] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter {
            !$0.hasPrefix(".")
        }
        return names.sorted().compactMap { FileManager.default.contents(atPath: folder + "/" + $0) }
    }

    static func object(_ body: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
    }
}

/// One card: its code and its serial.
struct GiftCardPair: Hashable, CustomStringConvertible {
    let code: String
    let serial: String
    var description: String { "\(code)/\(serial)" }
}

/// Reads the text of a MIME email as a reader would see it: each part's body decoded from quoted-printable
/// or base64, the headers left out.
enum GiftCardMIME {
    static func decodedText(_ raw: String) -> String {
        var decoded: [String] = []
        var inHeaders = true
        var encoding = ""
        var body: [String] = []
        func flush() {
            defer { body = [] }
            guard !body.isEmpty else { return }
            switch encoding {
            case "base64":
                let data = Data(base64Encoded: body.joined(), options: .ignoreUnknownCharacters) ?? Data()
                decoded.append(String(decoding: data, as: UTF8.self))
            case "quoted-printable":
                decoded.append(quotedPrintable(body))
            default:
                decoded.append(body.joined(separator: "\n"))
            }
        }
        // Split on the bytes: a Swift string holds "\r\n" as one Character, which "\n" does not match.
        let lines = raw.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map {
            String(decoding: $0.last == UInt8(ascii: "\r") ? $0.dropLast() : $0, as: UTF8.self)
        }
        for line in lines {
            if line.hasPrefix("--=_") {
                flush()
                inHeaders = true
                encoding = ""
                continue
            }
            if inHeaders {
                if line.isEmpty {
                    inHeaders = false
                } else if line.lowercased().hasPrefix("content-transfer-encoding:") {
                    encoding = line.dropFirst("content-transfer-encoding:".count).trimmingCharacters(in: .whitespaces)
                        .lowercased()
                }
                continue
            }
            body.append(line)
        }
        flush()
        return decoded.joined(separator: "\n")
    }

    static func quotedPrintable(_ lines: [String]) -> String {
        var bytes: [UInt8] = []
        for (index, line) in lines.enumerated() {
            var utf8 = Array(line.utf8)
            let soft = utf8.last == UInt8(ascii: "=")
            if soft { utf8.removeLast() }
            var position = 0
            while position < utf8.count {
                if utf8[position] == UInt8(ascii: "="), position + 2 < utf8.count,
                    let value = UInt8(String(decoding: utf8[(position + 1)...(position + 2)], as: UTF8.self), radix: 16)
                {
                    bytes.append(value)
                    position += 3
                } else {
                    bytes.append(utf8[position])
                    position += 1
                }
            }
            if !soft && index < lines.count - 1 { bytes.append(UInt8(ascii: "\n")) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
