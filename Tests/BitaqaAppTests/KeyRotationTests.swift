import Audit
import BitaqaApp
import BitaqaCore
import BitaqaTestSupport
import CardVault
import Foundation
import NIOConcurrencyHelpers
import Orders
import Storage
import Testing

@Suite("Key rotation")
struct KeyRotationTests {
    @Test("an interrupted rotation resumes, then the old key can go", arguments: TestDatabase.available)
    func interruptedAndResumed(database: TestDatabase) async throws {
        try await database.withStore { store, _ in
            let old = CardVault(keyRing: try KeyRing(keys: [CardSeeding.keyA]))
            try await CardSeeding.seed(store, vault: old, count: 95)
            let ring = CardVault(keyRing: try KeyRing(keys: [CardSeeding.keyB, CardSeeding.keyA]))
            let rotator = KeyRotator(context: DomainContext(store: store), vault: ring)

            let partial = try await rotator.rotate(batchSize: 20, maxBatches: 2, logger: TestDatabase.quietLogger)
            #expect(partial.interrupted)
            #expect(partial.moved == 40)
            #expect(partial.remaining == [old.keyRing.activeKeyID.hex: 55])
            // Half-way, every card still opens with the full ring.
            let reader = CardReader(vault: ring, audit: AuditTrail(store: store, keys: nil))
            for index in 0..<95 {
                let card = try #require(try await SQLCardRepository(store: store).card(of: CardSeeding.topup(index)))
                #expect(
                    try await reader.open(card, requestID: nil, logger: TestDatabase.quietLogger)
                        == CardSeeding.code(index))
            }

            let rest = try await rotator.rotate(batchSize: 20, logger: TestDatabase.quietLogger)
            #expect(!rest.interrupted)
            #expect(rest.moved == 55)
            #expect(rest.remaining.isEmpty)
            #expect(rest.unreadable.isEmpty)
            let again = try await rotator.rotate(batchSize: 20, logger: TestDatabase.quietLogger)
            #expect(again.moved == 0)

            // With the old key removed, every card still opens.
            let newOnly = CardReader(
                vault: CardVault(keyRing: try KeyRing(keys: [CardSeeding.keyB])),
                audit: AuditTrail(store: store, keys: nil))
            for index in 0..<95 {
                let card = try #require(try await SQLCardRepository(store: store).card(of: CardSeeding.topup(index)))
                #expect(card.keyID == ring.keyRing.activeKeyID.hex)
                #expect(
                    try await newOnly.open(card, requestID: nil, logger: TestDatabase.quietLogger)
                        == CardSeeding.code(index))
            }
            let rotations = try await AuditTrail(store: store, keys: nil).events(after: 0, limit: 1000).filter {
                $0.event.kind == .keyRotated
            }
            #expect(rotations.map { $0.event.details["moved"] } == ["40", "55", "0"])
            #expect(rotations.allSatisfy { $0.event.details["active_key_id"] == ring.keyRing.activeKeyID.hex })
        }
    }

    @Test("readers never see a half-rotated card while a rotation runs", arguments: TestDatabase.available)
    func concurrentReads(database: TestDatabase) async throws {
        try await database.withStore { store, _ in
            let old = CardVault(keyRing: try KeyRing(keys: [CardSeeding.keyA]))
            try await CardSeeding.seed(store, vault: old, count: 60)
            let ring = CardVault(keyRing: try KeyRing(keys: [CardSeeding.keyB, CardSeeding.keyA]))
            let reader = CardReader(vault: ring, audit: AuditTrail(store: store, keys: nil))
            let cards = SQLCardRepository(store: store)
            let reads = NIOLockedValueBox(0)
            let report = try await withThrowingTaskGroup(of: KeyRotator.Report?.self) { group in
                group.addTask {
                    try await KeyRotator(context: DomainContext(store: store), vault: ring).rotate(
                        batchSize: 5, logger: TestDatabase.quietLogger)
                }
                for worker in 0..<3 {
                    group.addTask {
                        for round in 0..<4 {
                            for index in stride(from: (worker + round) % 3, to: 60, by: 3) {
                                let card = try #require(try await cards.card(of: CardSeeding.topup(index)))
                                let code = try await reader.open(card, requestID: nil, logger: TestDatabase.quietLogger)
                                #expect(code == CardSeeding.code(index))
                                reads.withLockedValue { $0 += 1 }
                            }
                        }
                        return nil
                    }
                }
                var report: KeyRotator.Report?
                for try await result in group where result != nil { report = result }
                return report
            }
            #expect(report?.moved == 60)
            #expect(reads.withLockedValue { $0 } == 240)
            let unreadable = try await AuditTrail(store: store, keys: nil).events(after: 0, limit: 1000).filter {
                $0.event.kind == .cardUnreadable
            }
            #expect(unreadable.isEmpty)
        }
    }

    @Test("cards that cannot be opened are reported and left alone", arguments: TestDatabase.available)
    func unreadableDuringRotation(database: TestDatabase) async throws {
        try await database.withStore { store, _ in
            try await CardSeeding.seed(
                store, vault: CardVault(keyRing: try KeyRing(keys: [CardSeeding.keyA])), count: 3)
            try await CardSeeding.seed(
                store, vault: CardVault(keyRing: try KeyRing(keys: [CardSeeding.keyC])), count: 2, from: 3)
            let ring = CardVault(keyRing: try KeyRing(keys: [CardSeeding.keyB, CardSeeding.keyA]))
            let report = try await KeyRotator(context: DomainContext(store: store), vault: ring).rotate(
                batchSize: 2, logger: TestDatabase.quietLogger)
            #expect(report.moved == 3)
            #expect(
                report.unreadable == [
                    CardSeeding.topup(3).rawValue: "unknown_key", CardSeeding.topup(4).rawValue: "unknown_key",
                ])
            #expect(report.remaining.values.reduce(0, +) == 2)
        }
    }
}
