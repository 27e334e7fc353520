import Audit
import BitaqaCore
import BitaqaTestSupport
import CardVault
import Foundation
import Orders
import Storage
import Testing

/// Issue 20: card views group-committed in three `serve` processes on one database still honour the
/// per-buyer limit exactly, audit every card they show, and leave a chain that verifies.
@Suite("Card views in three processes")
struct CardViewScaleOutTests {
    static let secret = "scale-out-jwt-secret-" + String(repeating: "q", count: 24)

    @Test(
        "90 views of one card at once over three processes: exactly the limit served, each audited, chain intact",
        arguments: TestDatabase.available)
    func sharedLimit(database: TestDatabase) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (location, drop) = try await database.makeLocation(in: directory)
        defer { Task { await drop() } }
        let key = SecretBytes.random(count: 32)
        let store = try await Store.open(location, logger: TestDatabase.quietLogger)
        try await Migrator(store: store, logger: TestDatabase.quietLogger).migrate()
        let topup = TopupID("scale-card")!
        _ = try await SQLOrderRepository(store: store).register(
            NewOrder(topupId: topup, userId: UserID("dina")!, locale: .fr, channels: [], fingerprint: "f"),
            now: 1, firstCheckAt: 1)
        try await CardStoring.store(
            CardCode("998877665544"), for: topup, vault: CardVault(keyRing: try KeyRing(keys: [key])), in: store)
        await store.shutdown()

        let environment = [
            "BITAQA_DATABASE_URL": TestDatabase.url(of: location), "BITAQA_DATA_DIR": directory.path,
            "ENCRYPTION_KEY": key.unsafeHex, "BITAQA_JWT_SECRET": Self.secret, "BITAQA_ADMIN_TOKEN": "scale-admin-0001",
            "BITAQA_RATE_LIMIT_REVEALS": "30", "BITAQA_RATE_LIMIT_ADDRESS": "1000", "BITAQA_LOG_LEVEL": "warning",
        ]
        var servers: [ServerProcess] = []
        defer { for server in servers { _ = server.stop() } }
        for _ in 0..<3 {
            servers.append(try await ServerProcess.start(directory: directory.path, environment: environment))
        }
        let token = try await CustomerToken.hs256(subject: "dina", secret: Self.secret)

        // One curl, 90 transfers in parallel, 30 to each process.
        var config = ""
        for index in 0..<90 {
            config +=
                "url = \"\(servers[index % 3].base)/api/internet-orders/\(topup.rawValue)/card\"\noutput = \"/dev/null\"\n"
        }
        let configPath = directory.path + "/views.curl"
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        let statuses = try Subprocess.output(
            "/usr/bin/curl",
            [
                "-s", "--parallel", "--parallel-immediate", "--parallel-max", "90", "-H",
                "Authorization: Bearer \(token)",
                "-w", "%{http_code}\n", "-K", configPath,
            ]
        ).stdout.split(separator: "\n")
        #expect(statuses.count == 90)
        #expect(statuses.filter { $0 == "200" }.count == 30, "statuses: \(statuses.sorted())")
        #expect(statuses.filter { $0 == "429" }.count == 60)

        for server in servers { _ = server.stop() }
        servers = []
        let check = try await Store.open(location, logger: TestDatabase.quietLogger)
        let views = try await AuditTrail(store: check, keys: nil).events(of: topup).filter {
            $0.event.kind == .cardViewed
        }
        await check.shutdown()
        #expect(views.count == 30, "every card shown has its CARD_VIEWED, and no more")
        let verify = try BitaqaProcess.run(["audit", "verify"], environment: environment)
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }
}
