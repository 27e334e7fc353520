import Audit
import BitaqaCore
import BitaqaTestSupport
import CardVault
import Foundation
import Orders
import SQLKit
import Storage
import Testing

/// Buyers' contacts in the order rows, on SQLite and PostgreSQL: sealed and indexed, never in clear;
/// found by exact email and by every spelling of a phone; a sealed contact moved onto another order
/// does not open; clear rows of an older version are sealed in resumable batches.
@Suite("Sealed contacts")
struct SealedContactsTests {
    static let key = SecretBytes(hex: String(repeating: "5c", count: 32), byteCount: 32)!
    static let newKey = SecretBytes(hex: String(repeating: "9d", count: 32), byteCount: 32)!
    static let email = "Canary.Buyer-7f3a@Example.dz"
    static let phone = "+213551234567"
    /// The phone in every spelling a merchant or a buyer types it.
    static let phoneSpellings = ["0551234567", "+213551234567", "00213551234567", "213551234567", "0551 23 45 67"]

    static var ring: KeyRing { try! KeyRing(keys: [key]) }

    static func newOrder(_ id: String, user: String = "buyer-1", email: String? = email, phone: String? = phone)
        -> NewOrder
    {
        ContactBinder(ring: ring).bound(
            NewOrder(
                topupId: TopupID(id)!, userId: UserID(user)!, cardType: .adsl, number: "036362608", value: 1000,
                email: email, phone: phone, locale: .fr, channels: [.email, .sms], fingerprint: "fp-\(id)"))
    }

    static func register(_ order: NewOrder, in store: Store) async throws {
        _ = try await SQLOrderRepository(store: store).register(order, now: 1_000, firstCheckAt: 2_000)
    }

    static func rawContacts(_ store: Store, _ id: String) async throws -> (email: String?, phone: String?, sealed: Int)
    {
        let row = try #require(
            try await store.sql.raw(
                """
                SELECT email, phone, CASE WHEN sealed_email IS NULL THEN 0 ELSE 1 END
                    + CASE WHEN sealed_phone IS NULL THEN 0 ELSE 1 END AS sealed
                FROM orders WHERE topup_id = \(bind: id)
                """
            ).first())
        return (
            try row.decodeNil(column: "email") ? nil : try row.decode(column: "email", as: String.self),
            try row.decodeNil(column: "phone") ? nil : try row.decode(column: "phone", as: String.self),
            try row.decode(column: "sealed", as: Int.self)
        )
    }

    @Test(
        "a registered order's contacts are sealed: no clear column, nothing in the database's bytes, read back whole",
        arguments: TestDatabase.available)
    func sealedAtRest(database: TestDatabase) async throws {
        try await database.withStore(contacts: ContactSeal(ring: Self.ring)) { store, location in
            try await Self.register(Self.newOrder("seal-1"), in: store)
            let raw = try await Self.rawContacts(store, "seal-1")
            #expect(raw.email == nil && raw.phone == nil && raw.sealed == 2)
            let order = try #require(try await SQLOrderRepository(store: store).find(TopupID("seal-1")!))
            #expect(order.email == Self.email && order.phone == Self.phone && order.unreadableContacts.isEmpty)
            var canaries = ["email": Self.email, "email lower": Self.email.lowercased()]
            for (index, spelling) in ["0551234567", "+213551234567", "551234567"].enumerated() {
                canaries["phone \(index)"] = spelling
            }
            let hits = CanarySearch(canaries).hits(in: try await CanarySearch.databaseContents(location))
            #expect(hits.isEmpty, "contacts in clear: \(hits)")
        }
    }

    @Test(
        "search finds the order by exact email in any case and by every spelling of the phone",
        arguments: TestDatabase.available)
    func searchByIndex(database: TestDatabase) async throws {
        try await database.withStore(contacts: ContactSeal(ring: Self.ring)) { store, _ in
            try await Self.register(Self.newOrder("find-1"), in: store)
            try await Self.register(
                Self.newOrder("other-1", user: "buyer-2", email: "someone@else.dz", phone: "0661000000"), in: store)
            let repository = SQLOrderRepository(store: store)
            for text in [Self.email, Self.email.lowercased(), Self.email.uppercased()] + Self.phoneSpellings {
                var search = OrderSearch(limit: 10)
                search.query = text
                let found = try await repository.search(search).map(\.topupId.rawValue)
                #expect(found == ["find-1"], "searching \(text) found \(found)")
            }
            var near = OrderSearch(limit: 10)
            near.query = "canary.buyer-7f3a@example"
            #expect(try await repository.search(near).isEmpty, "only an exact contact matches")
        }
    }

    @Test(
        "a sealed contact copied onto another order does not open there: reported unreadable, never guessed",
        arguments: TestDatabase.available)
    func movedContact(database: TestDatabase) async throws {
        try await database.withStore(contacts: ContactSeal(ring: Self.ring)) { store, _ in
            try await Self.register(Self.newOrder("victim-1", user: "victim"), in: store)
            try await Self.register(
                Self.newOrder("attacker-1", user: "victim", email: "attacker@evil.dz", phone: "0770000001"),
                in: store)
            // The attacker copies the victim's sealed email and phone onto his own order, and the reverse.
            try await store.sql.raw(
                """
                UPDATE orders SET sealed_email = (SELECT sealed_email FROM orders WHERE topup_id = 'attacker-1'),
                    sealed_phone = (SELECT sealed_phone FROM orders WHERE topup_id = 'attacker-1')
                WHERE topup_id = 'victim-1'
                """
            ).run()
            let victim = try #require(try await SQLOrderRepository(store: store).find(TopupID("victim-1")!))
            #expect(victim.email == nil && victim.phone == nil)
            #expect(Set(victim.unreadableContacts) == [.email, .sms])
            // Swapping the email into the phone column fails too: the field is bound.
            try await store.sql.raw(
                "UPDATE orders SET sealed_phone = sealed_email WHERE topup_id = 'attacker-1'"
            ).run()
            let swapped = try #require(try await SQLOrderRepository(store: store).find(TopupID("attacker-1")!))
            #expect(swapped.email == "attacker@evil.dz" && swapped.phone == nil && swapped.unreadableContacts == [.sms])
        }
    }

    @Test(
        "rows an older version wrote in clear are sealed in resumable batches, then found by the index",
        arguments: TestDatabase.available)
    func upgradeFromClear(database: TestDatabase) async throws {
        try await database.withStore { legacy, location in
            // A store without a seal writes as the version before sealing did.
            for index in 0..<25 {
                try await Self.register(
                    Self.newOrder(
                        String(format: "old-%02d", index), user: "user-\(index)", email: "old\(index)@example.dz",
                        phone: String(format: "+2135512300%02d", index)), in: legacy)
            }
            #expect(try await Self.rawContacts(legacy, "old-03").email == "old3@example.dz")
            let store = try await Store.open(
                location, logger: TestDatabase.quietLogger, maxPostgresConnectionsPerLoop: 1,
                contacts: ContactSeal(ring: Self.ring))
            do {
                let repository = SQLOrderRepository(store: store)
                #expect(try await repository.contactsToSeal() == 25)
                // Clear rows read and search as before sealing reaches them.
                var search = OrderSearch(limit: 10)
                search.query = "0551230007"
                #expect(try await repository.search(search).map(\.topupId.rawValue) == ["old-07"])
                // One batch of 10, as if interrupted; then the rest.
                let first = try await store.transaction { transaction in
                    try await repository.sealContacts(after: nil, limit: 10, resealing: true, in: transaction)
                }
                #expect(first.sealed == 10 && first.last == "old-09")
                #expect(try await repository.contactsToSeal() == 15)
                var cursor = first.last
                while let after = cursor {
                    let batch = try await store.transaction { transaction in
                        try await repository.sealContacts(after: after, limit: 10, resealing: false, in: transaction)
                    }
                    cursor = batch.last
                }
                #expect(try await repository.contactsToSeal() == 0)
                let raw = try await Self.rawContacts(store, "old-07")
                #expect(raw.email == nil && raw.phone == nil && raw.sealed == 2)
                #expect(try await repository.search(search).map(\.topupId.rawValue) == ["old-07"])
                let order = try #require(try await repository.find(TopupID("old-07")!))
                #expect(order.email == "old7@example.dz" && order.phone == "+213551230007")
                #expect(ContactBinder(ring: Self.ring).problem(with: order) == nil, "the binding still holds")
                await store.shutdown()
            } catch {
                await store.shutdown()
                throw error
            }
        }
    }

    @Test(
        "a new key: contacts under the old one are sealed again and indexed under the new one",
        arguments: TestDatabase.available)
    func rotation(database: TestDatabase) async throws {
        try await database.withStore(contacts: ContactSeal(ring: Self.ring)) { old, location in
            try await Self.register(Self.newOrder("rot-1"), in: old)
            let ring = try KeyRing(keys: [Self.newKey, Self.key])
            let store = try await Store.open(
                location, logger: TestDatabase.quietLogger, maxPostgresConnectionsPerLoop: 1,
                contacts: ContactSeal(ring: ring))
            do {
                let repository = SQLOrderRepository(store: store)
                var search = OrderSearch(limit: 10)
                search.query = "00213551234567"
                #expect(try await repository.search(search).count == 1, "found under the old key's index")
                #expect(try await repository.contactsToSeal() == 1)
                let clearOnly = try await store.transaction { transaction in
                    try await repository.sealContacts(after: nil, limit: 10, resealing: false, in: transaction)
                }
                #expect(clearOnly.sealed == 0 && clearOnly.last == nil, "the server's pass reads only clear rows")
                let batch = try await store.transaction { transaction in
                    try await repository.sealContacts(after: nil, limit: 10, resealing: true, in: transaction)
                }
                #expect(batch.sealed == 1 && batch.unreadable.isEmpty)
                #expect(try await repository.contactsToSeal() == 0)
                // The old key can go: the new ring alone opens and finds it.
                let newOnly = try await Store.open(
                    location, logger: TestDatabase.quietLogger, maxPostgresConnectionsPerLoop: 1,
                    contacts: ContactSeal(ring: try KeyRing(keys: [Self.newKey])))
                let order = try await SQLOrderRepository(store: newOnly).find(TopupID("rot-1")!)
                let found = try await SQLOrderRepository(store: newOnly).search(search)
                await newOnly.shutdown()
                #expect(order?.email == Self.email && found.count == 1)
                await store.shutdown()
            } catch {
                await store.shutdown()
                throw error
            }
        }
    }
}
