import Audit
import BitaqaCore
import BitaqaTestSupport
import CardVault
import Foundation
import Orders
import Storage
import Testing

/// Issue 34: card views now read on the calling thread and append their `CARD_VIEWED` through prepared
/// statements (on SQLite, a writer of Bitaqa's own). The rule of issue 8 stands: no card is answered
/// before its event is durable. Attacked by killing `serve` with SIGKILL the moment the last answer
/// arrives: every card a client received has its event in the trail, and the trail verifies.
@Suite("Card views survive SIGKILL")
struct CardViewDurabilityTests {
    static let secret = "durable-jwt-secret-" + String(repeating: "d", count: 24)

    @Test(
        "300 views over 10 buyers, SIGKILL at the last answer: one CARD_VIEWED per card shown",
        arguments: TestDatabase.available)
    func answeredMeansAudited(database: TestDatabase) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (location, drop) = try await database.makeLocation(in: directory)
        defer { Task { await drop() } }
        let key = SecretBytes.random(count: 32)
        let store = try await Store.open(location, logger: TestDatabase.quietLogger)
        try await Migrator(store: store, logger: TestDatabase.quietLogger).migrate()
        let vault = CardVault(keyRing: try KeyRing(keys: [key]))
        for buyer in 0..<10 {
            let topup = TopupID("durable-\(buyer)")!
            _ = try await SQLOrderRepository(store: store).register(
                NewOrder(
                    topupId: topup, userId: UserID("buyer-\(buyer)")!, locale: .ar, channels: [], fingerprint: "f"),
                now: 1, firstCheckAt: 1)
            try await CardStoring.store(CardCode("7766554433\(buyer)"), for: topup, vault: vault, in: store)
        }
        await store.shutdown()

        let environment = [
            "BITAQA_DATABASE_URL": TestDatabase.url(of: location), "BITAQA_DATA_DIR": directory.path,
            "ENCRYPTION_KEY": key.unsafeHex, "BITAQA_JWT_SECRET": Self.secret, "BITAQA_ADMIN_TOKEN": "durable-admin-01",
            "BITAQA_RATE_LIMIT_REVEALS": "0", "BITAQA_RATE_LIMIT_ADDRESS": "0", "BITAQA_LOG_LEVEL": "warning",
        ]
        let server = try await ServerProcess.start(directory: directory.path, environment: environment)
        // One curl per buyer (a config file's headers apply to all its transfers), 30 views each, all at once.
        let statuses = try await withThrowingTaskGroup(of: [Substring].self) { group in
            for buyer in 0..<10 {
                let token = try await CustomerToken.hs256(subject: "buyer-\(buyer)", secret: Self.secret)
                var config = ""
                for view in 0..<30 {
                    config += """
                        url = "\(server.base)/api/internet-orders/durable-\(buyer)/card"
                        output = "\(directory.path)/view-\(buyer)-\(view).json"

                        """
                }
                let configPath = directory.path + "/views-\(buyer).curl"
                try config.write(toFile: configPath, atomically: true, encoding: .utf8)
                group.addTask {
                    try Subprocess.output(
                        "/usr/bin/curl",
                        [
                            "-s", "--parallel", "--parallel-max", "8", "-H", "Authorization: Bearer \(token)", "-w",
                            "%{http_code}\n", "-K", configPath,
                        ]
                    ).stdout.split(separator: "\n")
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        _ = server.stop(signal: SIGKILL)
        let shown = statuses.filter { $0 == "200" }.count
        #expect(statuses.count == 300)
        let firstBody = (try? String(contentsOfFile: directory.path + "/view-0-0.json", encoding: .utf8)) ?? ""
        #expect(shown == 300, "statuses: \(Set(statuses)); the first answer: \(firstBody)")

        let check = try await Store.open(location, logger: TestDatabase.quietLogger)
        let trail = AuditTrail(store: check, keys: nil)
        var views = 0
        for buyer in 0..<10 {
            views += try await trail.events(of: TopupID("durable-\(buyer)")!).filter { $0.event.kind == .cardViewed }
                .count
        }
        await check.shutdown()
        #expect(views == shown, "every card a client received has its CARD_VIEWED after SIGKILL")
        let verify = try BitaqaProcess.run(["audit", "verify"], environment: environment)
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }
}
