import BitaqaCore
import BitaqaTestSupport
import CardVault
import Foundation
import NIOConcurrencyHelpers
import Orders
import SQLKit
import Storage
import Testing

/// Issue 33 across real processes: buyers' emails and phone numbers sealed at rest, found by their keyed
/// index, exported and erased on request, erased after their retention, sealed by an online upgrade, and a
/// sealed contact moved onto another order refused. `bitaqa serve` (the debug build) runs against a
/// standalone `bitaqa sandbox`, on SQLite and PostgreSQL; the data directory and the tables are searched
/// for the contacts afterwards.
///
/// Serialized: the retention test keeps time in seconds and the upgrade test writes 10,000 orders; beside
/// the other tests of the suite on a small machine their deadlines would measure the machine.
@Suite("Personal data across processes", .serialized)
struct PersonalDataProcessTests {
    // MARK: - 1. A busy run

    @Test(
        "a busy run: 20 top-ups and a gift-card order found by exact email and every phone spelling, delivered; no email or phone in the data directory or the tables",
        arguments: TestDatabase.available)
    func busyRun(database: TestDatabase) async throws {
        let started = ContinuousClock.now
        let tag = CanaryBuyer.randomTag()
        let buyers = (0..<20).map { CanaryBuyer.canary($0, tag: tag, prefix: "busy") }
        let giftBuyer = CanaryBuyer.canary(20, tag: tag, prefix: "busy")
        try await PersonalDataRig.run(database) { rig in
            var ids: [String] = []
            for (index, buyer) in buyers.enumerated() {
                ids.append(
                    try rig.send(
                        number: String(format: "036%06d", 100 + index), buyer: buyer,
                        phone: buyer.spellings[index % 3], ref: "busy-\(index)"))
            }
            let (giftStatus, giftBody) = try rig.request(
                "POST", "/v1/gift-card-orders",
                body: GiftCardRig.orderBody(
                    ref: "busy-gift", typeId: "psn-1000", quantity: 1, userId: giftBuyer.userId,
                    email: giftBuyer.email, phone: giftBuyer.spellings[2]))
            #expect(giftStatus == 201, "\(giftBody)")

            // Searched while the orders are tracked and delivered: the email in another case, each spelling.
            for (index, buyer) in buyers.enumerated() {
                for query in [buyer.email.lowercased(), buyer.email.uppercased()] + buyer.spellings {
                    let found = try rig.search(query)
                    #expect(found == [ids[index]], "q=\(query) found \(found)")
                }
            }

            for id in ids {
                try await rig.waitForOrder(id, "delivered by email and SMS") { PersonalDataRig.delivered($0) }
            }
            try await rig.waitForGiftCardOrder("busy-gift", "delivered by email and SMS") {
                GiftCardRig.delivered($0, count: 2)
            }
            let outbox = PipelineProcessTests.outboxCounts(rig.directory)
            #expect(outbox.count >= 42, "messages in the outbox: \(outbox.count)")

            for (index, buyer) in buyers.enumerated() {
                let order = try rig.order(ids[index])
                let (email, phone) = PersonalDataRig.contacts(order)
                #expect(
                    email as? String == buyer.email && phone as? String == buyer.phone,
                    "GET /v1/orders/\(ids[index]) shows email \(email ?? "(no key)"), phone \(phone ?? "(no key)")")
            }
            // The outbox names each recipient masked.
            let outboxText = PersonalDataRig.files(in: rig.directory.path + "/outbox").joined(separator: "\n")
            #expect(outboxText.contains(ContactRules.masked(buyers[0].email, channel: .email)))
            #expect(outboxText.contains(ContactRules.masked(buyers[0].phone, channel: .sms)))

            let verify = try rig.cli(["audit", "verify"])
            #expect(verify.status == 0, "\(verify.stdout) \(verify.stderr)")

            var canaries: [String: String] = giftBuyer.canaries("gift buyer")
            for (index, buyer) in buyers.enumerated() { canaries.merge(buyer.canaries("buyer \(index)")) { $1 } }
            var places = try await rig.everyPlace()
            // And the server's log so far: requests are logged by route pattern, never with a query.
            places["serve log"] = Array(rig.server.running.stderr().utf8)
            let hits = CanarySearch(canaries).hits(in: places)
            #expect(hits.isEmpty, "contacts in clear: \(hits.prefix(20).joined(separator: "; "))")
            #expect(
                places.keys.contains { $0.contains("outbox/email/") }
                    && places.keys.contains { $0.contains("outbox/sms/") },
                "the outbox was searched")
            print(
                "personal data busy run (\(database)): \(ids.count + 1) orders, \(outbox.count) messages, \(places.count) places, \(places.values.map(\.count).reduce(0, +)) bytes searched for \(canaries.count) canaries: \(hits.count) hits, \(ContinuousClock.now - started)"
            )
        }
    }

    // MARK: - 2. Export and erasure

    @Test(
        "export shows one buyer and no card; erasure by command and by API nulls the contacts, keeps the card, refuses a resend, audits masked, leaves no trace",
        arguments: TestDatabase.available)
    func exportAndErasure(database: TestDatabase) async throws {
        let started = ContinuousClock.now
        let tag = CanaryBuyer.randomTag()
        let (byCommand, byRoute, kept) = (
            CanaryBuyer.canary(0, tag: tag, prefix: "erase"), CanaryBuyer.canary(1, tag: tag, prefix: "erase"),
            CanaryBuyer.canary(2, tag: tag, prefix: "erase")
        )
        try await PersonalDataRig.run(database) { rig in
            let commandOrders = [
                try rig.send(number: "036000301", buyer: byCommand, phone: byCommand.spellings[0], ref: "erase-c1"),
                try rig.send(number: "036000302", buyer: byCommand, phone: nil, ref: "erase-c2"),
            ]
            let routeOrder = try rig.send(
                number: "036000303", buyer: byRoute, phone: byRoute.spellings[1], ref: "erase-r1")
            let keptOrder = try rig.send(number: "036000304", buyer: kept, phone: kept.spellings[2], ref: "erase-k1")
            let counts = [commandOrders[0]: 2, commandOrders[1]: 1, routeOrder: 2, keptOrder: 2]
            for (id, count) in counts {
                try await rig.waitForOrder(id, "delivered") { PersonalDataRig.delivered($0, count: count) }
            }
            // The cards, as their buyers read them, and every code the sandbox issued.
            var cards: [String: String] = [:]
            for (id, buyer) in [
                (commandOrders[0], byCommand), (commandOrders[1], byCommand), (routeOrder, byRoute),
            ] {
                let token = try await CustomerToken.hs256(subject: buyer.userId, secret: PersonalDataRig.jwtSecret)
                let (status, body) = try rig.request("GET", "/api/internet-orders/\(id)/card", token: token)
                #expect(status == 200, "\(body)")
                cards[id] = GiftCardRig.object(body)?["cardCode"] as? String
            }
            let codes = try SandboxControl(base: rig.sandboxURL).cardCodes()
            #expect(codes.count == 4 && cards.values.allSatisfy { codes.contains($0) }, "\(codes.count) codes")

            // Export, by command and by route.
            let export = try rig.cli(["buyers", "export", byCommand.userId])
            #expect(export.status == 0, "\(export.stderr)")
            let exported = try #require(GiftCardRig.object(export.stdout), "\(export.stdout)")
            #expect(exported["userId"] as? String == byCommand.userId)
            let exportedOrders = exported["orders"] as? [[String: Any]] ?? []
            #expect(Set(exportedOrders.compactMap { $0["id"] as? String }) == Set(commandOrders), "\(exportedOrders)")
            let first = exportedOrders.first { $0["id"] as? String == commandOrders[0] }
            let second = exportedOrders.first { $0["id"] as? String == commandOrders[1] }
            #expect(first?["email"] as? String == byCommand.email && first?["phone"] as? String == byCommand.phone)
            #expect(second?["email"] as? String == byCommand.email && second?["phone"] is NSNull, "\(second ?? [:])")
            #expect(
                (first?["deliveries"] as? [[String: Any]])?.count == 2
                    && first?["status"] as? String == "FULFILLED" && first?["contactsErasedAt"] is NSNull,
                "\(first ?? [:])")
            #expect(!Self.keys(in: exported).contains("cardCode"), "an export names a card code")
            for code in codes { #expect(!export.stdout.contains(code), "the export holds a card code") }
            for other in [byRoute, kept] {
                #expect(
                    !export.stdout.lowercased().contains(other.email.lowercased())
                        && !export.stdout.contains(other.national))
            }
            let (routeStatus, routeBody) = try rig.request("GET", "/v1/buyers/\(byCommand.userId)")
            #expect(routeStatus == 200, "\(routeBody)")
            let routed = GiftCardRig.object(routeBody)
            #expect(routed?["success"] as? Bool == true)
            var left = exported
            var right = routed?["buyer"] as? [String: Any] ?? [:]
            let stamps = (left.removeValue(forKey: "exportedAt"), right.removeValue(forKey: "exportedAt"))
            #expect(stamps.0 is String && stamps.1 is String, "exportedAt: \(stamps)")
            #expect(NSDictionary(dictionary: left).isEqual(to: right), "command: \(left)\nroute: \(right)")

            // A viewer reads orders, not buyers' data.
            let viewer = try rig.cli(["staff", "add", "pd-viewer", "--role", "viewer"])
            #expect(viewer.status == 0, "\(viewer.stderr)")
            let viewerToken = viewer.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(try rig.request("GET", "/v1/orders/\(routeOrder)", token: viewerToken).status == 200)
            for method in ["GET", "DELETE"] {
                let (status, body) = try rig.request(method, "/v1/buyers/\(byRoute.userId)", token: viewerToken)
                #expect(status == 403 && body.contains("FORBIDDEN"), "\(method) as a viewer: \(status) \(body)")
            }

            // What the erased orders' rows hold, sealed and indexed, before the erasure.
            let erasedIDs = commandOrders + [routeOrder]
            let sealedBefore = try await rig.withStore { try await Self.sealedContacts($0, erasedIDs) }
            // Two orders with both contacts (3 needles each per contact), one with an email alone.
            let needles = sealedBefore.count
            #expect(needles == 15, "\(sealedBefore.keys.sorted())")

            // Erasure: one buyer by command, one by route.
            let erase = try rig.cli(["buyers", "erase", byCommand.userId])
            #expect(erase.status == 0, "\(erase.stderr)")
            let commandErasure = GiftCardRig.object(erase.stdout) ?? [:]
            #expect(
                commandErasure["orders"] as? Int == 2 && commandErasure["erased"] as? Int == 2
                    && commandErasure["emails"] as? Int == 2 && commandErasure["phones"] as? Int == 1,
                "\(erase.stdout)")
            let (deleted, deletedBody) = try rig.request("DELETE", "/v1/buyers/\(byRoute.userId)")
            let routeErasure = GiftCardRig.object(deletedBody)?["erasure"] as? [String: Any] ?? [:]
            #expect(
                deleted == 200 && routeErasure["userId"] as? String == byRoute.userId
                    && routeErasure["orders"] as? Int == 1 && routeErasure["erased"] as? Int == 1
                    && routeErasure["emails"] as? Int == 1 && routeErasure["phones"] as? Int == 1,
                "\(deleted) \(deletedBody)")

            let erasedOrders = [(commandOrders[0], byCommand), (commandOrders[1], byCommand), (routeOrder, byRoute)]
            for (id, buyer) in erasedOrders {
                let order = try rig.order(id)
                #expect(
                    order.map(PersonalDataRig.erased) == true, "GET /v1/orders/\(id) after erasure: \(order ?? [:])")
                let token = try await CustomerToken.hs256(subject: buyer.userId, secret: PersonalDataRig.jwtSecret)
                let (cardStatus, cardBody) = try rig.request("GET", "/api/internet-orders/\(id)/card", token: token)
                #expect(
                    cardStatus == 200 && cards[id].map { cardBody.contains($0) } == true,
                    "the buyer's card after erasure: \(cardStatus)")
                for body in [#"{"channel":"email"}"#, "{}"] {
                    let (resend, resendBody) = try rig.request("POST", "/v1/orders/\(id)/resend", body: body)
                    #expect(
                        resend == 400 && resendBody.contains("no contact"),
                        "resend \(body) of an erased order: \(resend) \(resendBody)")
                }
                let erasures = try rig.audit(id, kind: "CONTACTS_ERASED")
                #expect(erasures.count == 1, "\(erasures)")
                #expect(
                    erasures.first?["reason"] == "request"
                        && erasures.first?["email"] == ContactRules.masked(buyer.email, channel: .email),
                    "\(erasures)")
                if id != commandOrders[1] {
                    #expect(erasures.first?["phone"] == ContactRules.masked(buyer.phone, channel: .sms), "\(erasures)")
                }
                #expect(try rig.search(buyer.email.lowercased()).isEmpty, "the index entry outlived the erasure")
            }
            let keptNow = try rig.order(keptOrder)
            #expect(
                keptNow?["email"] as? String == kept.email && keptNow?["phone"] as? String == kept.phone,
                "another buyer's contacts: \(keptNow ?? [:])")
            #expect(try rig.search(kept.spellings[0]) == [keptOrder])
            // The counter is the serving process's own: the route's erasure, not the command's.
            let erasedMetric = try rig.metric(#"bitaqa_contacts_erased_total{reason="request"}"#)
            #expect(erasedMetric >= 1, "bitaqa_contacts_erased_total{reason=\"request\"} \(erasedMetric)")
            let exportedAgain = GiftCardRig.object(try rig.cli(["buyers", "export", byCommand.userId]).stdout)
            #expect(
                (exportedAgain?["orders"] as? [[String: Any]] ?? []).allSatisfy {
                    $0["email"] is NSNull && $0["phone"] is NSNull && $0["contactsErasedAt"] is String
                }, "\(exportedAgain ?? [:])")

            let verify = try rig.cli(["audit", "verify"])
            #expect(verify.status == 0 && verify.stdout.hasPrefix("audit OK"), "\(verify.stdout) \(verify.stderr)")
            let trail = try rig.cli(["audit", "export"])
            #expect(trail.status == 0 && trail.stdout.contains("BUYER_EXPORTED"), "\(trail.stderr)")
            for buyer in [byCommand, byRoute, kept] {
                #expect(!trail.stdout.lowercased().contains(buyer.email.lowercased()), "the trail holds an email")
                #expect(!trail.stdout.contains(buyer.national), "the trail holds a phone number")
            }
            var canaries = byCommand.canaries("erased by command")
            canaries.merge(byRoute.canaries("erased by route")) { $1 }
            canaries.merge(kept.canaries("kept")) { $1 }
            let places = try await rig.everyPlace()
            let hits = CanarySearch(canaries).hits(in: places)
            #expect(hits.isEmpty, "contacts in clear after erasure: \(hits.prefix(20).joined(separator: "; "))")
            // Nor the sealed values and index entries the erasure removed: with the key, they are the contacts.
            var residue: [String] = []
            for (name, needle) in sealedBefore.sorted(by: { $0.key < $1.key }) {
                for (place, haystack) in places.sorted(by: { $0.key < $1.key })
                where CanarySearch.contains(haystack, needle) {
                    residue.append("\(name) in \(place)")
                }
            }
            var afterCheckpoint = ""
            if !residue.isEmpty, database == .sqlite {
                // What is left once SQLite has copied the WAL into the database file and emptied it.
                let busy = try? await rig.withStore { store in
                    try await store.sql.raw("PRAGMA wal_checkpoint(TRUNCATE)").first()?.decode(
                        column: "busy", as: Int.self)
                }
                let files = rig.dataDirectoryFiles()
                let left = sealedBefore.filter { needle in
                    files.values.contains { CanarySearch.contains($0, needle.value) }
                }
                afterCheckpoint =
                    "\nafter PRAGMA wal_checkpoint(TRUNCATE) (busy \(busy.map { "\($0 ?? -1)" } ?? "failed")): \(left.count) left \(left.keys.sorted().prefix(5))"
            }
            #expect(
                residue.isEmpty,
                "the erased contacts' sealed values or index entries are still in the data directory: \(residue.joined(separator: "; "))\(afterCheckpoint)"
            )
            print("personal data export and erasure (\(database)): \(ContinuousClock.now - started)")
        }
    }

    // MARK: - 3. Retention

    @Test(
        "retention of 2.6 s: fulfilled and refunded orders lose their contacts once settled, a HANDLING order keeps them",
        arguments: TestDatabase.available)
    func retention(database: TestDatabase) async throws {
        let started = ContinuousClock.now
        let tag = CanaryBuyer.randomTag()
        let buyers = (0..<4).map { CanaryBuyer.canary($0, tag: tag, prefix: "keep") }
        try await PersonalDataRig.run(database, settings: ["BITAQA_CONTACT_RETENTION_DAYS": "0.00003"]) { rig in
            // Two fulfilled, one refunded, one that the sandbox keeps HANDLING for ever.
            let numbers = ["036000401", "036000402", "021000001", "021000003"]
            var ids: [String] = []
            for (index, buyer) in buyers.enumerated() {
                ids.append(
                    try rig.send(
                        number: numbers[index], buyer: buyer, phone: buyer.spellings[index % 3],
                        ref: "keep-\(index)"))
            }
            let registered = ContinuousClock.now
            let settled = ids.prefix(3)
            for id in settled {
                try await rig.waitForOrder(id, "settled and delivered", timeout: .seconds(30)) {
                    ["FULFILLED", "REFUNDED"].contains($0["status"] as? String ?? "")
                        && PersonalDataRig.delivered($0, count: 2)
                }
            }
            let delivered = ContinuousClock.now
            for id in settled {
                try await rig.waitForOrder(id, "erased by retention", timeout: .seconds(15)) {
                    PersonalDataRig.erased($0)
                }
            }
            let erasedAfter = ContinuousClock.now - delivered
            // The pending order has outlived the retention twice over, and keeps its contacts.
            let pendingFor = ContinuousClock.now - registered
            if pendingFor < .seconds(6) { try await Task.sleep(for: .seconds(6) - pendingFor) }
            let pending = try rig.order(ids[3])
            #expect(pending?["status"] as? String == "HANDLING", "\(pending ?? [:])")
            #expect(
                pending?["email"] as? String == buyers[3].email && pending?["phone"] as? String == buyers[3].phone,
                "the HANDLING order's contacts: \(pending ?? [:])")
            #expect(try rig.search(buyers[3].spellings[1]) == [ids[3]])
            let (_, exportBody) = try rig.request("GET", "/v1/buyers/\(buyers[3].userId)")
            let pendingExport =
                ((GiftCardRig.object(exportBody)?["buyer"] as? [String: Any])?["orders"] as? [[String: Any]])?.first
            #expect(pendingExport?["email"] as? String == buyers[3].email, "\(exportBody)")

            for (index, id) in settled.enumerated() {
                let erasures = try rig.audit(id, kind: "CONTACTS_ERASED")
                #expect(
                    erasures.count == 1 && erasures.first?["reason"] == "retention"
                        && erasures.first?["email"] == ContactRules.masked(buyers[index].email, channel: .email)
                        && erasures.first?["phone"] == ContactRules.masked(buyers[index].phone, channel: .sms),
                    "\(id): \(erasures)")
                let (_, body) = try rig.request("GET", "/v1/buyers/\(buyers[index].userId)")
                let exported = ((GiftCardRig.object(body)?["buyer"] as? [String: Any])?["orders"] as? [[String: Any]])?
                    .first
                #expect(exported?["contactsErasedAt"] is String && exported?["email"] is NSNull, "\(body)")
            }
            #expect(try rig.audit(ids[3], kind: "CONTACTS_ERASED").isEmpty)
            #expect(try rig.metric(#"bitaqa_contacts_erased_total{reason="retention"}"#) >= 3)
            #expect(try rig.metric(#"bitaqa_contacts_erased_total{reason="request"}"#) == 0)
            let verify = try rig.cli(["audit", "verify"])
            #expect(verify.status == 0, "\(verify.stdout) \(verify.stderr)")
            print(
                "personal data retention (\(database)): contacts erased \(erasedAfter) after the last delivery, \(ContinuousClock.now - started) in all"
            )
        }
    }

    // MARK: - 4. Upgrade from the previous schema

    /// Orders in the database of version 22, and orders a version-22 instance still writes while the new
    /// version runs (a rolling upgrade).
    static let (upgradeCount, rolloutCount) = (10_000, 2_000)
    static var allUpgraded: Int { upgradeCount + rolloutCount }

    static func upgradeEmail(_ index: Int, tag: String) -> String { "Old.Buyer\(index).\(tag)@Upgrade-Shop.DZ" }
    static func upgradePhone(_ index: Int) -> String { "+21355" + String(format: "%07d", index) }
    static func upgradeID(_ index: Int) -> String { String(format: "up-%05d", index) }

    /// The ring's key of `PipelineProcessTests.serverEnvironment` (`ENCRYPTION_KEY`).
    static let oldKey = String(repeating: "7a", count: 32)

    static func keyID(_ hex: String) throws -> String {
        try KeyRing(keys: [try #require(SecretBytes(hex: hex, byteCount: 32))]).activeKeyID.hex
    }

    /// FULFILLED orders whose contacts are in clear, bound as version 22 bound them (under the ring `serve`
    /// uses), written in multi-row INSERTs of 500 with the columns that version knows.
    static func insertLegacyOrders(_ store: Store, _ indexes: Range<Int>, tag: String) async throws {
        let binder = ContactBinder(ring: try KeyRing(keys: [try #require(SecretBytes(hex: oldKey, byteCount: 32))]))
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        for start in stride(from: indexes.lowerBound, to: indexes.upperBound, by: 500) {
            var query: SQLQueryString = """
                INSERT INTO orders (topup_id, user_id, card_type, number, value, email, phone, locale, channels,
                    fingerprint, status, created_at, updated_at, next_check_at, check_count, contact_mac,
                    contact_key_id) VALUES
                """
            for index in start..<min(start + 500, indexes.upperBound) {
                let (id, user) = (upgradeID(index), "up-user-\(index)")
                let (email, phone) = (upgradeEmail(index, tag: tag), upgradePhone(index))
                let binding = binder.bind(
                    topupId: try #require(TopupID(id)), userId: try #require(UserID(user)), email: email,
                    phone: phone, channels: [.email, .sms])
                let row: SQLQueryString = """
                    (\(bind: id), \(bind: user), 'ADSL', \(bind: String(format: "036%06d", index)), 500,
                        \(bind: email), \(bind: phone), 'fr', 'email,sms', 'fp-legacy', 'FULFILLED',
                        \(bind: now - Int64(allUpgraded - index)), \(bind: now), NULL, 0, \(bind: binding.mac),
                        \(bind: binding.keyID))
                    """
                query = query + (index == start ? " " : ", ") + row
            }
            try await store.sql.raw(query).run()
        }
    }

    /// A search of one of the first `bound` upgraded orders, by email in either case or by phone in two
    /// spellings.
    static func upgradeQueries(tag: String, bound: NIOLockedValueBox<Int>)
        -> @Sendable () -> (
            query: String, expected: String
        )
    {
        {
            let index = Int.random(in: 0..<bound.withLockedValue { $0 })
            let email = upgradeEmail(index, tag: tag)
            let national = String(upgradePhone(index).dropFirst(4))
            let spellings: [String] = [email.lowercased(), email.uppercased(), "0" + national, "00213" + national]
            return (spellings.randomElement() ?? email, upgradeID(index))
        }
    }

    /// The canaries of a sample of the upgraded orders: each email as written and in lower case, each
    /// phone's national part.
    static func upgradeCanaries(_ indexes: [Int], tag: String) -> [String: String] {
        var canaries: [String: String] = [:]
        for index in indexes {
            canaries["email \(index)"] = upgradeEmail(index, tag: tag)
            canaries["email \(index) lower"] = upgradeEmail(index, tag: tag).lowercased()
            canaries["phone \(index)"] = String(upgradePhone(index).dropFirst(4))
        }
        return canaries
    }

    /// Runs `keys rotate --batch-size 500` to its end (at most 10 min) while `during` is the search phase;
    /// its exit status, output and duration.
    static func rotate(_ rig: PersonalDataRig, searches: SearchLoop) async throws -> (
        status: Int32, stdout: String, stderr: String, took: Duration
    ) {
        searches.phase = "during"
        let started = ContinuousClock.now
        let rotation = try BitaqaProcess.start(
            ["keys", "rotate", "--batch-size", "500"], workingDirectory: rig.directory.path,
            environment: rig.environment)
        _ = try await Reliability.waitUntil(.seconds(600), every: .milliseconds(50)) { !rotation.process.isRunning }
        let took = ContinuousClock.now - started
        rotation.expectExit(within: .seconds(1))
        searches.phase = "after"
        return (rotation.status, rotation.stdout(), rotation.stderr(), took)
    }

    /// Searches the data directory (and PostgreSQL's tables) for contacts of the sample; on SQLite, when
    /// something is found, says what is left once the WAL is checkpointed into the database file and emptied.
    static func clearContacts(_ rig: PersonalDataRig, _ canaries: [String: String]) async throws
        -> (hits: [String], afterCheckpoint: String)
    {
        let hits = CanarySearch(canaries).hits(in: try await rig.everyPlace())
        guard !hits.isEmpty, rig.database == .sqlite else { return (hits, "") }
        // A checkpoint of serve's own (or its open readers) may hold it off: then the search says so.
        let busy: String
        do {
            busy = try await rig.withStore { store in
                let row = try await store.sql.raw("PRAGMA wal_checkpoint(TRUNCATE)").first()
                return "busy \(try row?.decode(column: "busy", as: Int.self) ?? -1)"
            }
        } catch {
            busy = "failed: \(error)"
        }
        let remaining = CanarySearch(canaries).hits(in: rig.dataDirectoryFiles())
        return (
            hits,
            "\nafter PRAGMA wal_checkpoint(TRUNCATE) (\(busy)): \(remaining.count) hits \(remaining.prefix(5))"
        )
    }

    @Test(
        "upgrade from schema 22 with 10,000 orders in clear while serve runs and a client searches: sealed online, keys rotate seals what an old instance still writes, then re-seals all under a new key; nothing in clear is left",
        arguments: TestDatabase.available)
    func upgrade(database: TestDatabase) async throws {
        let started = ContinuousClock.now
        let tag = CanaryBuyer.randomTag()
        let oldID = try Self.keyID(Self.oldKey)
        let prepare: (DatabaseLocation) async throws -> Void = { location in
            let store = try await Store.open(location, logger: TestDatabase.quietLogger)
            do {
                try await Migrator(store: store, logger: TestDatabase.quietLogger).migrate(upTo: 22)
                try await Self.insertLegacyOrders(store, 0..<Self.upgradeCount, tag: tag)
            } catch {
                await store.shutdown()
                throw error
            }
            await store.shutdown()
        }
        try await PersonalDataRig.run(database, prepare: prepare) { rig in
            let ready = ContinuousClock.now - started
            let bound = NIOLockedValueBox(Self.upgradeCount)
            let upgradeSearches = SearchLoop()
            var client = upgradeSearches.start(rig, Self.upgradeQueries(tag: tag, bound: bound))
            let versions = try await rig.withStore {
                try await Migrator(store: $0, logger: TestDatabase.quietLogger).appliedVersions()
            }
            #expect(versions.last == Migrator.latestVersion && versions.contains(23), "\(versions)")

            // 1. `serve` migrated to 23 and its upkeep seals the clear rows as soon as it starts.
            var sealedByServe = 0
            var clear = -1
            let sealedOnline = try await Reliability.waitUntil(.seconds(120)) {
                sealedByServe = Int(try rig.metric("bitaqa_contacts_sealed_total"))
                clear = try await Self.count(rig, "email IS NOT NULL OR phone IS NOT NULL")
                return sealedByServe >= Self.upgradeCount && clear == 0
            }
            #expect(
                sealedOnline && sealedByServe == Self.upgradeCount,
                "serve sealed \(sealedByServe), rows in clear: \(clear)\n\(rig.server.running.lastLines(10))")
            try await upgradeSearches.waitForAnswers(5)
            let online = try await Self.clearContacts(
                rig, Self.upgradeCanaries([0, 1, 2_500, 5_000, 9_848, 9_998, 9_999], tag: tag))
            #expect(
                online.hits.isEmpty,
                "\(online.hits.count) contacts of orders sealed by serve's upkeep still in clear in the data directory: \(online.hits.prefix(12).joined(separator: "; "))\(online.afterCheckpoint)"
            )

            // 2. An instance of version 22, not yet replaced, writes orders in clear; the operator runs
            // `keys rotate`, which seals them (serve's upkeep looks again only a minute later).
            try await rig.withStore {
                try await Self.insertLegacyOrders($0, Self.upgradeCount..<Self.allUpgraded, tag: tag)
            }
            bound.withLockedValue { $0 = Self.allUpgraded }
            let upgrade = try await Self.rotate(rig, searches: upgradeSearches)
            try await upgradeSearches.waitForAnswers(5)
            upgradeSearches.stop()
            await client.value
            #expect(upgrade.status == 0, "keys rotate: \(upgrade.status)\n\(upgrade.stderr)\n\(upgrade.stdout)")
            let toSeal = Self.number(in: upgrade.stderr, before: " orders' contacts to seal under key \(oldID)") ?? -1
            #expect(toSeal > 0 && toSeal <= Self.rolloutCount, "\(upgrade.stderr)")
            #expect(upgrade.stderr.contains("of \(toSeal) contacts sealed ("), "no progress line: \(upgrade.stderr)")
            let sealedByRotate = Self.number(in: upgrade.stdout, after: "under key \(oldID): ", before: " orders") ?? -1
            #expect(
                upgrade.stdout.contains(
                    "contacts sealed and indexed under key \(oldID): \(sealedByRotate) orders; in clear or under other keys: 0\n"
                ), "\(upgrade.stdout)")
            sealedByServe = Int(try rig.metric("bitaqa_contacts_sealed_total"))
            #expect(
                sealedByRotate + sealedByServe == Self.allUpgraded,
                "sealed by keys rotate \(sealedByRotate), by serve \(sealedByServe)")
            let upgradeTally = upgradeSearches.tally
            #expect(
                upgradeTally.misses.isEmpty,
                "\(upgradeTally.misses.count) searches missed: \(upgradeTally.misses.prefix(10))")

            // 3. The rotation the README describes: `serve` restarted with a new key first and the old one
            // after it, and `keys rotate` while it serves and a client searches before, during and after.
            let newKey = SecretBytes.random(count: 32).unsafeHex
            let newID = try Self.keyID(newKey)
            var rotated = rig
            rotated.environment["BITAQA_ENCRYPTION_KEYS"] = newKey + "," + Self.oldKey
            _ = rig.server.stop()
            rotated.server = try await ServerProcess.start(
                directory: rig.directory.path, environment: rotated.environment)
            defer { rotated.server.running.terminateIfRunning() }
            let searches = SearchLoop()
            client = searches.start(rotated, Self.upgradeQueries(tag: tag, bound: bound))
            try await searches.waitForAnswers(5)
            let second = try await Self.rotate(rotated, searches: searches)
            try await searches.waitForAnswers(5)
            searches.stop()
            await client.value

            #expect(second.status == 0, "keys rotate: \(second.status)\n\(second.stderr)\n\(second.stdout)")
            let all = Self.allUpgraded
            #expect(
                second.stderr.contains("\(all) orders' contacts to seal under key \(newID)")
                    && second.stderr.contains("… \(all) of \(all) contacts sealed (100%"), "\(second.stderr)")
            #expect(
                second.stdout.contains(
                    "contacts sealed and indexed under key \(newID): \(all) orders; in clear or under other keys: 0\n"),
                "\(second.stdout)")
            let tally = searches.tally
            #expect(tally.misses.isEmpty, "\(tally.misses.count) searches missed: \(tally.misses.prefix(10))")
            #expect((tally.searches["during"] ?? 0) >= 1 || second.took < .seconds(1), "\(tally.searches)")

            let again = try rotated.cli(["keys", "rotate"])
            #expect(again.status == 0, "\(again.stderr)")
            #expect(
                again.stdout.contains(
                    "contacts sealed and indexed under key \(newID): 0 orders; in clear or under other keys: 0"),
                "\(again.stdout)")

            clear = try await Self.count(rig, "email IS NOT NULL OR phone IS NOT NULL")
            let unsealed = try await Self.count(
                rig,
                "sealed_email IS NULL OR sealed_phone IS NULL OR email_index IS NULL OR phone_index IS NULL OR contact_seal_key_id IS NULL OR contact_seal_key_id <> '\(newID)'"
            )
            #expect(clear == 0 && unsealed == 0, "rows in clear: \(clear), rows not sealed and indexed: \(unsealed)")

            let sample = (0..<24).map { $0 * (all / 24) + Int.random(in: 0..<(all / 24)) }
            for index in sample {
                let order = try rotated.order(Self.upgradeID(index))
                let (email, phone) = PersonalDataRig.contacts(order)
                #expect(
                    email as? String == Self.upgradeEmail(index, tag: tag)
                        && phone as? String == Self.upgradePhone(index),
                    "GET /v1/orders/\(Self.upgradeID(index)): email \(email ?? "(no key)"), phone \(phone ?? "(no key)")"
                )
                let (_, body) = try rotated.request("GET", "/v1/buyers/up-user-\(index)")
                let exported = ((GiftCardRig.object(body)?["buyer"] as? [String: Any])?["orders"] as? [[String: Any]])?
                    .first
                #expect(
                    exported?["email"] as? String == Self.upgradeEmail(index, tag: tag)
                        && exported?["phone"] as? String == Self.upgradePhone(index), "\(body.prefix(500))")
            }

            // The data directory while `serve` runs, as a backup would copy it.
            let final = try await Self.clearContacts(
                rotated, Self.upgradeCanaries(sample + [0, all / 2, all - 2, all - 1], tag: tag))
            #expect(
                final.hits.isEmpty,
                "\(final.hits.count) contacts of the upgraded orders in clear in the data directory: \(final.hits.prefix(12).joined(separator: "; "))\(final.afterCheckpoint)"
            )
            _ = rotated.server.stop()
            print(
                "personal data upgrade (\(database)): \(Self.upgradeCount) orders of schema 22 and \(Self.rolloutCount) written during the rollout; serve ready \(ready) after the start and its upkeep sealed \(sealedByServe); keys rotate sealed \(sealedByRotate) in \(upgrade.took); searches \(upgradeTally.searches), \(upgradeTally.misses.count) missed; the new key's keys rotate took \(second.took); searches \(tally.searches), \(tally.misses.count) missed; \(ContinuousClock.now - started) in all"
            )
        }
    }

    static func count(_ rig: PersonalDataRig, _ condition: String) async throws -> Int {
        try await rig.withStore { store in
            try await store.sql.raw("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM orders WHERE \(unsafeRaw: condition)")
                .first()?.decode(column: "n", as: Int.self) ?? -1
        }
    }

    /// The number written just before `before` (after `after`, when given) in `text`.
    static func number(in text: String, after: String = "", before: String) -> Int? {
        for line in text.split(separator: "\n") {
            guard let end = line.range(of: before) else { continue }
            var head = line[..<end.lowerBound]
            if !after.isEmpty {
                guard let start = head.range(of: after) else { continue }
                head = head[start.upperBound...]
            }
            if let value = Int(head.split(separator: " ").last ?? "") { return value }
        }
        return nil
    }

    // MARK: - 5. A sealed contact moved onto another order

    @Test(
        "a sealed contact copied onto another order in the database: its delivery fails as contact_unreadable, nothing reaches the copier",
        arguments: TestDatabase.available)
    func movedContact(database: TestDatabase) async throws {
        let started = ContinuousClock.now
        let attacker = CanaryBuyer(userId: "copier", email: "copier.mail@evil-host.dz", national: "770123456")
        let victim = CanaryBuyer(userId: "victim", email: "victim.mail@shop-buyer.dz", national: "661234567")
        // The top-ups stay HANDLING at the sandbox for 3 s: long enough to write the victim's row before
        // its card is stored and its deliveries queued.
        try await PersonalDataRig.run(database, resolve: (3, 3.5), realChannels: true) { rig in
            let copier = try rig.send(number: "036000501", buyer: attacker, phone: attacker.spellings[0], ref: "copier")
            let target = try rig.send(number: "036000502", buyer: victim, phone: victim.spellings[0], ref: "victim")
            try await rig.withStore { store in
                try await store.sql.raw(
                    """
                    UPDATE orders SET
                    sealed_email = (SELECT sealed_email FROM orders WHERE topup_id = \(bind: copier)),
                    sealed_phone = (SELECT sealed_phone FROM orders WHERE topup_id = \(bind: copier)),
                    email_index = (SELECT email_index FROM orders WHERE topup_id = \(bind: copier)),
                    phone_index = (SELECT phone_index FROM orders WHERE topup_id = \(bind: copier)),
                    contact_seal_key_id = (SELECT contact_seal_key_id FROM orders WHERE topup_id = \(bind: copier))
                    WHERE topup_id = \(bind: target)
                    """
                ).run()
            }
            let copied = try rig.order(target)
            #expect(copied?["status"] as? String == "HANDLING", "the copy came after the card: \(copied ?? [:])")

            let failed = try await rig.waitForOrder(target, "failed on both channels", timeout: .seconds(30)) {
                let states = GiftCardRig.deliveryStates($0)
                return states.count == 2 && states.allSatisfy { $0 == "failed" }
            }
            #expect(failed?["status"] as? String == "FULFILLED")
            #expect(failed.map(PersonalDataRig.erased) == true, "the victim's order: \(failed ?? [:])")
            try await rig.waitForOrder(copier, "delivered to the copier, its own order") {
                PersonalDataRig.delivered($0)
            }

            let failures = try rig.audit(target, kind: "DELIVERY_FAILED")
            #expect(
                Set(failures.compactMap { $0["channel"] }) == ["email", "sms"]
                    && failures.allSatisfy { $0["reason"] == "contact_unreadable" }, "\(failures)")
            let (resend, resendBody) = try rig.request("POST", "/v1/orders/\(target)/resend", body: "{}")
            #expect(resend == 400, "resend of the victim's order: \(resend) \(resendBody)")
            try await Task.sleep(for: .seconds(1))

            let mail = try #require(rig.mail)
            let toCopier = mail.events().filter { $0.recipients.contains(attacker.email) }
            #expect(
                toCopier.count == 1 && toCopier.allSatisfy { $0.messageID?.contains(copier) == true },
                "mail to the copier's address: \(toCopier.map { "\($0.event) \($0.messageID ?? "?")" })")
            #expect(
                !mail.events().contains { $0.messageID?.contains(target) == true },
                "a message of the victim's order went out")
            let sms = try #require(rig.sms)
            #expect(sms.recipients().filter { $0 == attacker.phone }.count == 1, "\(sms.recipients())")
            #expect(!sms.recipients().contains(victim.phone))
            let verify = try rig.cli(["audit", "verify"])
            #expect(verify.status == 0, "\(verify.stdout) \(verify.stderr)")

            // A rotation to a new key re-seals every contact: the moved one does not open, is reported and
            // left as it is (never sealed again under the new key as the victim's).
            let newKey = SecretBytes.random(count: 32).unsafeHex
            let rotatedEnvironment = rig.environment.merging(
                ["BITAQA_ENCRYPTION_KEYS": newKey + "," + String(repeating: "7a", count: 32)]) { $1 }
            let rotated = try BitaqaProcess.run(
                ["keys", "rotate"], environment: rotatedEnvironment, workingDirectory: rig.directory.path)
            #expect(
                rotated.status == 1 && rotated.stdout.contains("\(target): contact_unreadable")
                    && rotated.stdout.contains("in clear or under other keys: 1"),
                "keys rotate to a new key: \(rotated.status)\n\(rotated.stdout)\n\(rotated.stderr)")
            let verifyAfter = try BitaqaProcess.run(["audit", "verify"], environment: rotatedEnvironment)
            #expect(verifyAfter.status == 0, "\(verifyAfter.stdout) \(verifyAfter.stderr)")
            print("personal data moved contact (\(database)): \(ContinuousClock.now - started)")
        }
    }

    /// The sealed contacts and index entries of orders, by name, as the bytes a search looks for: a sealed
    /// value's bytes (SQLite's file) and its hex (PostgreSQL's `bytea` in JSON), an index entry's text.
    static func sealedContacts(_ store: Store, _ ids: [String]) async throws -> [String: [UInt8]] {
        var found: [String: [UInt8]] = [:]
        for id in ids {
            let row = try await store.sql.raw(
                "SELECT sealed_email, sealed_phone, email_index, phone_index FROM orders WHERE topup_id = \(bind: id)"
            ).first()
            guard let row else { continue }
            for column in ["sealed_email", "sealed_phone"] where !(try row.decodeNil(column: column)) {
                let bytes = Array(try row.decode(column: column, as: Data.self))
                found["\(id) \(column)"] = bytes
                found["\(id) \(column) as hex"] = Array(bytes.map { String(format: "%02x", $0) }.joined().utf8)
            }
            for column in ["email_index", "phone_index"] where !(try row.decodeNil(column: column)) {
                found["\(id) \(column)"] = Array(try row.decode(column: column, as: String.self).utf8)
            }
        }
        return found
    }

    /// Every key of a JSON value, nested ones included.
    static func keys(in value: Any) -> Set<String> {
        if let object = value as? [String: Any] {
            return object.reduce(into: Set(object.keys)) { $0.formUnion(keys(in: $1.value)) }
        }
        if let array = value as? [Any] { return array.reduce(into: []) { $0.formUnion(keys(in: $1)) } }
        return []
    }
}
