import BitaqaCore
import BitaqaTestSupport
import CardVault
import Foundation
import Orders
import SQLKit
import Storage
import Testing

/// The leak test: a scenario with known canary card codes and secrets, then a search of everything
/// the service wrote (logs, command output, error bodies, metrics, the audit trail, the database files)
/// for each canary in every common encoding.
@Suite("No canary escapes")
struct CanaryScenarioTests {
    @Test("card codes, tokens and keys appear nowhere", arguments: TestDatabase.available)
    func scenario(database: TestDatabase) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (location, drop) = try await database.makeLocation(in: directory)
        let adminToken = "canary-admin-" + UUID().uuidString
        let oldKey = SecretBytes.random(count: 32)
        let newKey = SecretBytes.random(count: 32)
        let codes = ["918273645546", "CANARY7Q2X9Z", "507193846250"]
        let search = CanarySearch([
            "card 0": codes[0], "card 1": codes[1], "card 2": codes[2], "admin token": adminToken,
            "old key": oldKey.unsafeHex, "new key": newKey.unsafeHex,
        ])

        // Fulfilled orders with canary cards, one of them moved onto another order by a "thief".
        let store = try await Store.open(location, logger: TestDatabase.quietLogger)
        try await Migrator(store: store, logger: TestDatabase.quietLogger).migrate()
        let vault = CardVault(keyRing: try KeyRing(keys: [oldKey]))
        var blobs: [[UInt8]] = []
        for (index, code) in codes.enumerated() {
            let topup = TopupID("canary-\(index)")!
            _ = try await SQLOrderRepository(store: store).register(
                NewOrder(
                    topupId: topup, userId: UserID("buyer-\(index)")!, locale: .ar, channels: [],
                    fingerprint: "f\(index)"),
                now: 1, firstCheckAt: 1
            )
            let sealed = try await CardStoring.store(
                CardCode(code), for: topup, transactionNumber: "AT-\(index)", vault: vault, in: store)
            blobs.append(sealed.sealed)
        }
        try await store.sql.raw("UPDATE orders SET sealed_card = \(bind: Data(blobs[0])) WHERE topup_id = 'canary-2'")
            .run()
        await store.shutdown()

        let environment = [
            "BITAQA_DATA_DIR": directory.path, "BITAQA_DATABASE_URL": TestDatabase.url(of: location),
            "BITAQA_ADMIN_TOKEN": adminToken, "BITAQA_ENCRYPTION_KEYS": oldKey.unsafeHex,
            "BITAQA_LOG_LEVEL": "trace", "BITAQA_AUDIT_CHECKPOINT_INTERVAL": "0.1",
        ]
        var places: [String: [UInt8]] = [:]
        let server = try await ServerProcess.start(directory: directory.path, environment: environment)
        let admin = ["Authorization": "Bearer \(adminToken)", "Content-Type": "application/json"]
        let requests: [(String, String, [String: String], String?)] = [
            ("POST", "/v1/orders", admin, #"{"topupId":"new-1","userId":"u","email":"a@b.dz"}"#),
            ("POST", "/v1/orders", admin, #"{"topupId":"\#(codes[1]) \#(codes[0])","userId":"u"}"#),
            ("POST", "/v1/orders", admin, #"{"topupId":"x","userId":"u","phone":"\#(codes[0])"}"#),
            ("POST", "/v1/orders", admin, #"{"topupId":"x","userId":"u","email":"\#(codes[1])"}"#),
            ("POST", "/v1/orders", admin, "{\"topupId\": \"\(codes[2])"),
            ("POST", "/v1/orders", ["Authorization": "Bearer \(adminToken)x"], "{}"),
            ("GET", "/v1/orders/canary-1", admin, nil),
            ("GET", "/v1/orders/\(codes[0])", admin, nil),
            ("GET", "/v1/audit?order=canary-2", admin, nil),
            ("GET", "/metrics", ["Authorization": "Bearer \(oldKey.unsafeHex)"], nil),
            ("GET", "/cards/\(codes[1])", [:], nil),
            ("GET", "/metrics", admin, nil),
        ]
        for (index, (method, path, headers, body)) in requests.enumerated() {
            let (status, reply) = try HTTPProbe.request(method, server.base + path, headers: headers, body: body)
            #expect(status != 0 && status < 500, "\(method) \(path) answered \(status)")
            places["response \(index) \(method) \(path.prefix(12))"] = Array(reply.utf8)
        }

        // The rotation opens every card, meets the moved one, and logs and audits it.
        let rotation = try BitaqaProcess.run(
            ["keys", "rotate"],
            environment: environment.merging(["BITAQA_ENCRYPTION_KEYS": "\(newKey.unsafeHex),\(oldKey.unsafeHex)"]) {
                $1
            }
        )
        #expect(rotation.status == 1, "one card is unreadable, so rotate reports failure")
        #expect(rotation.stdout.contains("canary-2: authentication_failed"))
        places["rotate stdout"] = Array(rotation.stdout.utf8)
        places["rotate stderr"] = Array(rotation.stderr.utf8)
        try await Task.sleep(for: .milliseconds(300))
        places["serve log"] = Array(server.stop().utf8)
        let export = try BitaqaProcess.run(["audit", "export"], environment: environment)
        #expect(export.stdout.contains("CARD_UNREADABLE"))
        #expect(export.stdout.contains("KEY_ROTATED"))
        places["audit export"] = Array(export.stdout.utf8)
        let verify = try BitaqaProcess.run(
            ["audit", "verify"],
            environment: environment.merging(["BITAQA_ENCRYPTION_KEYS": "\(newKey.unsafeHex),\(oldKey.unsafeHex)"]) {
                $1
            })
        #expect(verify.status == 0, "\(verify.stdout)")
        places["verify output"] = Array((verify.stdout + verify.stderr).utf8)
        if let checkpoint = FileManager.default.contents(atPath: directory.path + "/audit-checkpoint.json") {
            places["checkpoint file"] = Array(checkpoint)
        }

        places.merge(try await CanarySearch.databaseContents(location)) { $1 }
        await drop()

        #expect((places["serve log"]?.count ?? 0) > 1_000, "the log should hold the requests")
        let hits = search.hits(in: places)
        #expect(hits.isEmpty, "\(hits.joined(separator: "; "))")
    }
}
