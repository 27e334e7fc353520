import BitaqaTestSupport
import Crypto
import Foundation
import Orders
import SQLKit
import Storage
import Testing

/// Issue 29's attacks, made as a database writer without the key would make them: rows written straight
/// into the database of a running `serve`, and the outcome read through its public surfaces (the console,
/// the merchant API, the mail server, the shop's webhook endpoint).
@Suite("A database writer against a running serve")
struct DatabaseWriterProcessTests {
    struct Rig {
        let environment: [String: String]
        let directory: TemporaryDirectory
        let store: Store
        let server: ServerProcess
        let mail: FaultyMailServer
        let receiver: WebhookReceiver
        let sms: SMSEndpoint
        let sandbox: BitaqaProcess.Running
        let drop: @Sendable () async -> Void

        func stop() async {
            _ = server.stop()
            await store.shutdown()
            sandbox.terminateIfRunning()
            receiver.stop()
            sms.stop()
            mail.stop()
            await drop()
        }
    }

    static let admin = [
        "Authorization": "Bearer \(PipelineProcessTests.adminToken)", "Content-Type": "application/json",
    ]

    static func rig(_ database: TestDatabase) async throws -> Rig {
        let directory = try TemporaryDirectory()
        let (location, drop) = try await database.makeLocation(in: directory)
        let mail = try await FaultyMailServer.start(in: directory)
        try mail.set(mode: "accept")
        let receiver = try await WebhookReceiver.start(in: directory, secrets: [WebhookProcessTests.secret])
        let sms = try await SMSEndpoint.start(in: directory, token: "writer-sms-token-0000001")
        let (sandbox, sandboxURL) = try await PipelineProcessTests.startSandbox(directory, resolve: (0.2, 0.4))
        var environment = PipelineProcessTests.serverEnvironment(
            directory, database: TestDatabase.url(of: location), sandbox: sandboxURL)
        environment.merge(mail.environment) { $1 }
        environment.merge(sms.environment) { $1 }
        environment["BITAQA_WEBHOOK_URL"] = receiver.url
        environment["BITAQA_WEBHOOK_SECRET"] = WebhookProcessTests.secret
        environment["BITAQA_ALERT_EMAIL"] = "ops@shop.dz"
        let server = try await ServerProcess.start(directory: directory.path, environment: environment)
        let store = try await Store.open(location, logger: TestDatabase.quietLogger)
        return Rig(
            environment: environment, directory: directory, store: store, server: server, mail: mail,
            receiver: receiver, sms: sms, sandbox: sandbox,
            drop: drop)
    }

    static func auditKinds(_ store: Store, _ topupId: String? = nil) async throws -> [String] {
        let rows = try await store.sql.raw(
            "SELECT kind, topup_id FROM audit_events ORDER BY seq"
        ).all()
        return try rows.compactMap { row in
            let id = try row.decodeNil(column: "topup_id") ? nil : try row.decode(column: "topup_id", as: String.self)
            return topupId == nil || id == topupId ? try row.decode(column: "kind", as: String.self) : nil
        }
    }

    @Test(
        "forged rows: a console session, a webhook message, a rewritten contact; none opens, signs or sends anything",
        arguments: TestDatabase.available)
    func forgedRows(database: TestDatabase) async throws {
        let rig = try await Self.rig(database)
        defer { rig.directory.remove() }
        let id = try #require(
            try WebhookProcessTests.place(rig.server, number: "036000001", email: "ok@shop.dz", ref: "dbw"))
        let fulfilled = try await WebhookProcessTests.waitFor(.seconds(30)) {
            rig.receiver.accepted().values.contains { $0["type"] as? String == "order.fulfilled" }
        }
        #expect(fulfilled, "the real message arrives")
        let now = Int64(Date().timeIntervalSince1970 * 1000)

        // 1. A console session of the attacker's choice, in the old unkeyed form and in a keyed-looking one.
        let cookie = String(repeating: "ab", count: 32)
        let unkeyed = SHA256.hash(data: Data(cookie.utf8)).map { String(format: "%02x", $0) }.joined()
        for (hash, csrf) in [(unkeyed, "forged-csrf"), (String(repeating: "cd", count: 32), "")] {
            try await rig.store.sql.raw(
                """
                INSERT INTO console_sessions (id_hash, csrf, created_at, expires_at)
                VALUES (\(bind: hash), \(bind: csrf), \(bind: now), \(bind: now + 3_600_000))
                """
            ).run()
        }
        let (consoleStatus, _) = try HTTPProbe.request(
            "GET", rig.server.base + "/console", headers: ["Cookie": "bitaqa_console=\(cookie)"])
        #expect(consoleStatus == 303, "a forged session row opened the console")
        let (resendStatus, _) = try HTTPProbe.request(
            "POST", rig.server.base + "/console/orders/\(id)/resend",
            headers: [
                "Cookie": "bitaqa_console=\(cookie)", "Content-Type": "application/x-www-form-urlencoded",
            ], body: "channel=email&csrf=forged-csrf")
        #expect(resendStatus == 403 || resendStatus == 303, "status \(resendStatus)")

        // 2. A webhook message queued by hand, and a real one's MAC copied onto a changed body.
        let real = try #require(
            try await rig.store.sql.raw("SELECT mac, mac_key_id FROM webhook_messages WHERE mac IS NOT NULL").first())
        let copiedMAC = try real.decode(column: "mac", as: String.self)
        let copiedKey = try real.decode(column: "mac_key_id", as: String.self)
        let refund =
            #"{"data":{"status":"REFUNDED","topupId":"\#(id)","topupRef":"dbw","userId":"u-dbw"},"timestamp":"2026-12-07T00:00:00.000Z","type":"order.refunded"}"#
        for (messageID, mac, key) in [
            ("msg_forged0000000000", nil, nil), ("msg_forged0000000001", copiedMAC, copiedKey),
        ] {
            try await rig.store.sql.raw(
                """
                INSERT INTO webhook_messages
                    (id, type, topup_id, body, mac, mac_key_id, state, attempts, created_at, next_attempt_at)
                VALUES (\(bind: messageID), 'order.refunded', \(bind: id), \(bind: refund), \(bind: mac), \(bind: key),
                    'pending', 0, \(bind: now), \(bind: now))
                """
            ).run()
        }
        let forged = ["msg_forged0000000000", "msg_forged0000000001"]
        let states = try await Self.poll(
            { try await Self.states(rig.store, forged) },
            until: { $0 == ["failed:unauthenticated", "failed:unauthenticated"] })
        #expect(states == ["failed:unauthenticated", "failed:unauthenticated"], "\(states)")
        #expect(
            !rig.receiver.records().contains { $0["type"] as? String == "order.refunded" },
            "a forged message reached the shop, signed")

        // 3. A delivery queued by hand: the card would go again, to the buyer, with no RESEND_REQUESTED.
        let sentBefore = rig.mail.events().filter { $0.event == "accepted" }.count
        try await rig.store.sql.raw(
            """
            INSERT INTO deliveries (id, topup_id, channel, purpose, state, attempts, created_at, updated_at, next_attempt_at)
            VALUES ('forged-delivery-0001', \(bind: id), 'email', 'card', 'pending', 0, \(bind: now), \(bind: now), \(bind: now))
            """
        ).run()
        let forgedState = try await Self.poll(
            { try await Self.state(rig.store, "deliveries", "forged-delivery-0001") }, until: { $0 == "failed" })
        #expect(forgedState == "failed", "the inserted delivery was not refused: \(forgedState)")
        #expect(
            rig.mail.events().filter { $0.event == "accepted" }.count == sentBefore,
            "an inserted delivery sent the card")

        // 4. An alert email written by hand: the operator would get a text of the attacker's choice.
        try await rig.store.sql.raw(
            """
            INSERT INTO alert_emails (id, condition_name, active, detail, created_at, state, attempts, next_attempt_at)
            VALUES ('alert_forged00000001', 'audit_broken', 1, 'restore from http://evil.example/backup', \(bind: now),
                'pending', 0, \(bind: now))
            """
        ).run()
        let alertState = try await Self.poll(
            { try await Self.state(rig.store, "alert_emails", "alert_forged00000001") }, until: { $0 != "pending" })
        #expect(alertState == "failed", "the inserted alert email was not refused: \(alertState)")
        #expect(
            !rig.mail.events().contains { $0.messageID?.contains("alert_forged00000001") == true },
            "the forged alert reached the operator")

        // 5. The buyer's email rewritten; the merchant then corrects the phone, a routine fix.
        try await rig.store.sql.raw(
            "UPDATE orders SET email = 'attacker@evil.dz' WHERE topup_id = \(bind: id)"
        ).run()
        let (patched, patchBody) = try HTTPProbe.request(
            "PATCH", rig.server.base + "/v1/orders/\(id)", headers: Self.admin, body: #"{"phone":"0661112233"}"#)
        #expect(patched == 409 && patchBody.contains("CONFLICT"), "\(patched) \(patchBody)")
        let (resent, _) = try HTTPProbe.request(
            "POST", rig.server.base + "/v1/orders/\(id)/resend", headers: Self.admin, body: #"{"channel":"email"}"#)
        #expect(resent == 202 || resent == 409, "status \(resent)")
        try await Task.sleep(for: .seconds(3))
        #expect(
            !rig.mail.events().contains { $0.recipients.contains("attacker@evil.dz") },
            "the card went to the attacker's address")

        // 6. The binding cleared as well, so the order looks registered before binding existed; then a
        // routine `keys rotate`, which binds such orders once.
        try await rig.store.sql.raw(
            "UPDATE orders SET contact_mac = NULL, contact_key_id = NULL WHERE topup_id = \(bind: id)"
        ).run()
        let rotated = try BitaqaProcess.run(["keys", "rotate"], environment: rig.environment)
        #expect(rotated.status == 0, "\(rotated.stderr)")
        #expect(rotated.stdout.contains("\(id): binding_removed"), "\(rotated.stdout)")
        let binding = try await rig.store.sql.raw("SELECT contact_mac FROM orders WHERE topup_id = \(bind: id)").first()
        #expect(try binding?.decodeNil(column: "contact_mac") == true, "keys rotate bound the attacker's address")
        let (again, _) = try HTTPProbe.request(
            "POST", rig.server.base + "/v1/orders/\(id)/resend", headers: Self.admin, body: #"{"channel":"email"}"#)
        #expect(again == 202 || again == 409, "status \(again)")
        try await Task.sleep(for: .seconds(3))
        #expect(
            !rig.mail.events().contains { $0.recipients.contains("attacker@evil.dz") },
            "the card went to the attacker's address after keys rotate")

        let kinds = try await Self.auditKinds(rig.store, id)
        #expect(kinds.contains("CONTACT_CHANGE_REFUSED") && kinds.contains("WEBHOOK_REFUSED"), "\(kinds)")
        #expect(!kinds.contains("CONTACT_CHANGED"))
        let all = try await Self.auditKinds(rig.store)
        #expect(!all.contains("CONSOLE_SIGNED_IN"))
        await rig.stop()
    }

    /// Reads until `done` holds, every 100 ms for at most 30 s; the last value read.
    static func poll<T>(_ read: () async throws -> T, until done: (T) -> Bool) async throws -> T {
        var value = try await read()
        for _ in 0..<300 where !done(value) {
            try await Task.sleep(for: .milliseconds(100))
            value = try await read()
        }
        return value
    }

    static func state(_ store: Store, _ table: String, _ id: String) async throws -> String {
        let row = try await store.sql.raw("SELECT state FROM \(unsafeRaw: table) WHERE id = \(bind: id)").first()
        return try row?.decode(column: "state", as: String.self) ?? ""
    }

    @Test(
        "every other table written as an attacker would, then a resend: nothing reaches an address the buyer did not give, and the trail still verifies",
        arguments: TestDatabase.available)
    func everyOtherTable(database: TestDatabase) async throws {
        let rig = try await Self.rig(database)
        defer { rig.directory.remove() }
        let id = try #require(
            try WebhookProcessTests.place(rig.server, number: "036000002", email: "buyer@shop.dz", ref: "dbw-all"))
        let delivered = try await Self.poll(
            { rig.mail.events().contains(where: { $0.event == "accepted" }) && !rig.sms.recipients().isEmpty },
            until: { $0 })
        #expect(delivered, "the card was delivered by email and SMS first")
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let attacks = [
            // orders: the phone and the channels, without the key.
            "UPDATE orders SET phone = '+213770000001', channels = 'email,sms' WHERE topup_id = '\(id)'",
            // deliveries: delivered rows made due again.
            "UPDATE deliveries SET state = 'pending', next_attempt_at = \(now), lease_owner = NULL, lease_until = NULL",
            // workers and leases: every process made to look dead.
            "UPDATE workers SET heartbeat_at = 0",
            // rate limits: filled for the buyer's user, then emptied.
            "INSERT INTO rate_events (bucket, at) VALUES ('reveal:u-dbw-all', \(now)), ('addr:127.0.0.1', \(now))",
            "DELETE FROM rate_events",
            // alert state: every condition forgotten.
            "UPDATE alert_conditions SET active = 0, emailed_active = 0",
            // console sessions: all ended.
            "UPDATE console_sessions SET ended_at = \(now)",
            // webhooks: delivered messages made due again (authentic ones: at most a repeat the shop dedups).
            "UPDATE webhook_messages SET state = 'pending', next_attempt_at = \(now), lease_owner = NULL",
            // and rows deleted from every table that queues or remembers something.
            "DELETE FROM workers", "DELETE FROM console_sessions", "DELETE FROM alert_emails",
            "DELETE FROM alert_conditions",
            "DELETE FROM webhook_messages WHERE type = 'delivery.delivered'",
            "DELETE FROM deliveries WHERE channel = 'email' AND state = 'pending' AND attempts = 0",
        ]
        for attack in attacks { try await rig.store.sql.raw(SQLQueryString(attack)).run() }
        for channel in ["sms", "email"] {
            let (status, _) = try HTTPProbe.request(
                "POST", rig.server.base + "/v1/orders/\(id)/resend", headers: Self.admin,
                body: #"{"channel":"\#(channel)"}"#)
            #expect(status == 202 || status == 409, "\(channel): \(status)")
        }
        try await Task.sleep(for: .seconds(4))
        #expect(!rig.sms.recipients().contains("+213770000001"), "an SMS went to the rewritten phone")
        let recipients = Set(rig.mail.events().flatMap(\.recipients))
        #expect(recipients.isSubset(of: ["buyer@shop.dz", "ops@shop.dz"]), "\(recipients)")
        let types = Set(rig.receiver.records().compactMap { $0["type"] as? String })
        #expect(!types.contains("order.refunded"), "\(types)")
        let verified = try BitaqaProcess.run(["audit", "verify"], environment: rig.environment)
        #expect(verified.status == 0 && verified.stdout.hasPrefix("audit OK"), "\(verified.stdout)")
        await rig.stop()
    }

    static func states(_ store: Store, _ ids: [String]) async throws -> [String] {
        var found: [String] = []
        for id in ids {
            guard
                let row = try await store.sql.raw(
                    "SELECT state, last_error FROM webhook_messages WHERE id = \(bind: id)"
                ).first()
            else { continue }
            let error =
                try row.decodeNil(column: "last_error") ? "" : try row.decode(column: "last_error", as: String.self)
            found.append("\(try row.decode(column: "state", as: String.self)):\(error)")
        }
        return found
    }
}
