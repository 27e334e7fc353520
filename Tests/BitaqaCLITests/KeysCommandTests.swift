import BitaqaCore
import BitaqaTestSupport
import CardVault
import Foundation
import Orders
import Storage
import Testing

@Suite("bitaqa keys")
struct KeysCommandTests {
    @Test("generate prints one new 64-hex-character key and nothing else")
    func generate() throws {
        let first = try BitaqaProcess.run(["keys", "generate"])
        let second = try BitaqaProcess.run(["keys", "generate"])
        #expect(first.status == 0)
        #expect(first.stderr.isEmpty)
        let key = first.stdout.trimmingCharacters(in: .newlines)
        #expect(first.stdout == key + "\n")
        #expect(key.count == 64 && Hex.isHex(key))
        #expect(key != second.stdout.trimmingCharacters(in: .newlines))
    }

    @Test(
        "rotate moves every card, reports what remains, and the old key can then go", arguments: TestDatabase.available)
    func rotate(database: TestDatabase) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (location, drop) = try await database.makeLocation(in: directory)
        defer { Task { await drop() } }
        let old = SecretBytes.random(count: 32)
        let new = SecretBytes.random(count: 32)
        let oldVault = CardVault(keyRing: try KeyRing(keys: [old]))
        let store = try await Store.open(location, logger: TestDatabase.quietLogger)
        try await Migrator(store: store, logger: TestDatabase.quietLogger).migrate()
        for index in 0..<25 {
            let topup = TopupID("rot-\(index)")!
            _ = try await SQLOrderRepository(store: store).register(
                NewOrder(topupId: topup, userId: UserID("u\(index)")!, locale: .en, channels: [], fingerprint: "f"),
                now: 1, firstCheckAt: 1
            )
            try await CardStoring.store(CardCode("12345678901\(index % 10)"), for: topup, vault: oldVault, in: store)
        }
        await store.shutdown()

        let environment = [
            "BITAQA_DATABASE_URL": TestDatabase.url(of: location), "BITAQA_DATA_DIR": directory.path,
            "BITAQA_ENCRYPTION_KEYS": "\(new.unsafeHex),\(old.unsafeHex)",
        ]
        let result = try BitaqaProcess.run(["keys", "rotate", "--batch-size", "10"], environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        let newID = try KeyRing(keys: [new]).activeKeyID.hex
        #expect(result.stdout.contains("re-encrypted 25 cards under key \(newID)"))
        #expect(result.stdout.contains("remaining under other keys: none"))
        #expect(result.stderr.contains("25 cards to re-encrypt"))
        #expect(result.stderr.contains("… 20 of 25 cards re-encrypted (80%"), "progress: \(result.stderr)")
        #expect(result.stdout.contains("took "))
        for secret in [new.unsafeHex, old.unsafeHex] {
            #expect(!result.stdout.contains(secret) && !result.stderr.contains(secret))
        }
        let again = try BitaqaProcess.run(["keys", "rotate"], environment: environment)
        #expect(again.stdout.contains("re-encrypted 0 cards"))

        let reopened = try await Store.open(location, logger: TestDatabase.quietLogger)
        let newVault = CardVault(keyRing: try KeyRing(keys: [new]))
        for index in 0..<25 {
            let card = try #require(try await SQLCardRepository(store: reopened).card(of: TopupID("rot-\(index)")!))
            #expect(
                try newVault.open(card.sealed, topupId: card.topupId, userId: card.userId).revealed
                    == "12345678901\(index % 10)")
        }
        await reopened.shutdown()
    }

    @Test("rotate refuses a bad key ring with exit 2")
    func badRing() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let result = try BitaqaProcess.run(
            ["keys", "rotate"], environment: ["BITAQA_DATA_DIR": directory.path, "BITAQA_ENCRYPTION_KEYS": "abc"]
        )
        #expect(result.status == 2)
        #expect(result.stderr.contains("BITAQA_ENCRYPTION_KEYS"))
    }
}
