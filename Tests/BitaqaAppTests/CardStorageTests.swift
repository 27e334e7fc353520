import Audit
import BitaqaApp
import BitaqaCore
import BitaqaTestSupport
import CardVault
import Foundation
import Logging
import Orders
import SQLKit
import Storage
import Testing

@Suite("Cards at rest")
struct CardStorageTests {
    static func reader(_ store: Store, _ keys: SecretBytes...) throws -> CardReader {
        CardReader(vault: CardVault(keyRing: try KeyRing(keys: keys)), audit: AuditTrail(store: store, keys: nil))
    }

    @Test("a stored card opens for its order through the reader", arguments: TestDatabase.available)
    func storedRoundTrip(database: TestDatabase) async throws {
        try await database.withStore { store, _ in
            let vault = CardVault(keyRing: try KeyRing(keys: [CardSeeding.keyA]))
            try await CardSeeding.seed(store, vault: vault, count: 3)
            let card = try #require(try await SQLCardRepository(store: store).card(of: CardSeeding.topup(1)))
            #expect(card.keyID == vault.keyRing.activeKeyID.hex)
            let code = try await Self.reader(store, CardSeeding.keyA).open(
                card, requestID: nil, logger: TestDatabase.quietLogger)
            #expect(code == CardSeeding.code(1))
            let order = try #require(try await SQLOrderRepository(store: store).find(CardSeeding.topup(1)))
            #expect(order.status == .fulfilled)
            #expect(order.transactionNumber == "AT-2025-1")
        }
    }

    @Test(
        "swapped, foreign-key and truncated cards are unreadable, logged and audited apart",
        arguments: TestDatabase.available)
    func unreadable(database: TestDatabase) async throws {
        try await database.withStore { store, _ in
            let vault = CardVault(keyRing: try KeyRing(keys: [CardSeeding.keyA]))
            try await CardSeeding.seed(store, vault: vault, count: 4)
            // A database thief moves order 1's ciphertext onto order 0 and the other way round.
            let cards = SQLCardRepository(store: store)
            let zero = try #require(try await cards.card(of: CardSeeding.topup(0)))
            let one = try #require(try await cards.card(of: CardSeeding.topup(1)))
            try await store.sql.raw(
                "UPDATE orders SET sealed_card = \(bind: Data(one.sealed)) WHERE topup_id = \(bind: zero.topupId.rawValue)"
            ).run()
            try await store.sql.raw(
                "UPDATE orders SET sealed_card = \(bind: Data(zero.sealed)) WHERE topup_id = \(bind: one.topupId.rawValue)"
            ).run()
            // Order 2 was sealed under a key that is no longer in the ring; order 3 is cut short.
            let foreign = try CardVault(keyRing: KeyRing(keys: [CardSeeding.keyC])).seal(
                CardSeeding.code(2), topupId: CardSeeding.topup(2), userId: CardSeeding.user(2))
            try await store.sql.raw(
                "UPDATE orders SET sealed_card = \(bind: Data(foreign.bytes)), card_key_id = \(bind: foreign.keyID.hex) WHERE topup_id = \(bind: CardSeeding.topup(2).rawValue)"
            ).run()
            try await store.sql.raw(
                "UPDATE orders SET sealed_card = \(bind: Data(zero.sealed.prefix(20))) WHERE topup_id = \(bind: CardSeeding.topup(3).rawValue)"
            ).run()

            let logs = LogCapture()
            let reader = try Self.reader(store, CardSeeding.keyA)
            let expected = ["authentication_failed", "authentication_failed", "unknown_key", "malformed"]
            for index in 0..<4 {
                let card = try #require(try await cards.card(of: CardSeeding.topup(index)))
                do {
                    _ = try await reader.open(card, requestID: "req-\(index)", logger: logs.logger())
                    Issue.record("order \(index) opened")
                } catch let error as PublicError {
                    #expect(error.code == .cardUnreadable)
                    #expect(error.code.httpStatus == 500)
                }
            }
            let events = try await AuditTrail(store: store, keys: nil).events(after: 0, limit: 100).filter {
                $0.event.kind == .cardUnreadable
            }
            #expect(events.map { $0.event.details["reason"] } == expected)
            #expect(events.map(\.event.topupId) == (0..<4).map(CardSeeding.topup))
            #expect(events[2].event.details["key_id"] == foreign.keyID.hex)
            #expect(events.map(\.event.requestID) == ["req-0", "req-1", "req-2", "req-3"])
            let text = logs.text
            for index in 0..<4 {
                #expect(text.contains(CardSeeding.topup(index).rawValue))
                #expect(!text.contains(CardSeeding.code(index).revealed))
            }
            #expect(text.contains(foreign.keyID.hex))
            #expect(text.contains("unknown_key"))
        }
    }

    @Test("no trace of a canary card in the SQLite file or its WAL, in any common encoding")
    func canaryAtRest() async throws {
        try await TestDatabase.sqlite.withStore { store, location in
            let canary = CardCode("CANARY4242424242")
            let vault = CardVault(keyRing: try KeyRing(keys: [CardSeeding.keyA]))
            _ = try await SQLOrderRepository(store: store).register(
                NewOrder(
                    topupId: TopupID("canary-order")!, userId: UserID("u")!, locale: .fr, channels: [], fingerprint: "f"
                ),
                now: 1, firstCheckAt: 1
            )
            let sealed = try await CardStoring.store(
                canary, for: TopupID("canary-order")!, transactionNumber: "AT-1", vault: vault, in: store)
            guard case .sqlite(let path) = location else { return }
            var haystack: [UInt8] = []
            for file in [path, path + "-wal"] {
                if let data = FileManager.default.contents(atPath: file) { haystack += Array(data) }
            }
            let size = haystack.count
            #expect(size > 4096)
            // The sealed blob itself is there, so the search does look at the right bytes.
            let blobFound = haystack.containsSubsequence(sealed.sealed)
            #expect(blobFound, "the sealed blob is not stored as raw bytes")
            let clear = canary.revealed
            let needles: [[UInt8]] = [
                Array(clear.utf8),
                Array(clear.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }),
                Array(clear.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }),
                Array(Hex.encode(Array(clear.utf8)).utf8),
                Array(Hex.encode(Array(clear.utf8)).uppercased().utf8),
                Array(Data(clear.utf8).base64EncodedString().dropLast(4).utf8),
                Array("4242424242".utf8),
            ]
            for needle in needles {
                let found = haystack.containsSubsequence(needle)
                #expect(!found, "found \(String(decoding: needle, as: UTF8.self))")
            }
        }
    }
}

extension Array where Element == UInt8 {
    func containsSubsequence(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count, let first = needle.first else { return false }
        var index = 0
        while index <= count - needle.count {
            if self[index] == first, Array(self[index..<(index + needle.count)]) == needle { return true }
            index += 1
        }
        return false
    }
}
