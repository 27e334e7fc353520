import BitaqaCore
import BitaqaTestSupport
import Foundation
import OneClickDZ
import OneClickDZSandbox
import Orders
import Testing

@Suite("Client against the sandbox over HTTP")
struct SandboxClientTests {
    static func waitFor(
        _ client: OneClickDZClient, _ id: String, until wanted: OrderStatus, timeout: Duration = .seconds(10)
    ) async throws -> TopupStatus {
        let deadline = ContinuousClock.now + timeout
        while true {
            let status = try await client.checkID(id)
            if status.status == .known(wanted) || ContinuousClock.now > deadline { return status }
            try await Task.sleep(for: .milliseconds(30))
        }
    }

    @Test("catalogue, number checks, a fulfilled top-up by id and by ref, balance and key")
    func happyPath() async throws {
        let logs = LogCapture()
        // Long enough that the first check surely sees HANDLING, even on a loaded machine.
        try await withSandbox(.fast(resolveAfter: 1.5...1.6), logs: logs) { client, sandbox in
            let adsl = try await client.products(.adsl)
            #expect(adsl.map(\.value) == [500, 1000, 2000, 3000])
            #expect(adsl.last?.available == false)
            let fourG = try await client.products(.fourG)
            #expect(fourG.contains { $0.value == 1500 })
            let check = try await client.checkNumber(.fourG, number: "213665983439")
            #expect(check.type == .fourG)
            #expect(try await client.checkNumber(.adsl, number: "036362608").offer != nil)
            #expect(try await client.validate().type == "SANDBOX")
            let before = try await client.balance()

            let sent = try await client.send(SendRequest(type: .adsl, number: "036362608", value: 1000, ref: "order-1"))
            #expect(sent.topupRef == "order-1")
            let first = try await client.checkID(sent.topupId)
            #expect(
                first.status == .known(.handling), "checked after it resolved: the machine is too slow for this timing")
            #expect(first.card == nil)
            let done = try await Self.waitFor(client, sent.topupId, until: .fulfilled)
            #expect(done.status == .known(.fulfilled))
            let card = try #require(done.card)
            #expect(card.code.revealed.count == 12 && card.code.revealed.allSatisfy(\.isNumber))
            #expect(card.transactionNumber?.hasPrefix("AT-") == true)
            #expect(card.processedDate != nil)
            #expect(done.amount == 1000 && done.type == .adsl && done.number == "036362608")
            #expect(try await client.checkRef("order-1") == done)
            #expect(try await client.balance() == before - 980)
            #expect(!logs.text.contains(card.code.revealed))
        }
        #expect(!logs.text.contains("sandbox-key-CANARY-0001"))
    }

    @Test("send refusals carry the upstream's codes")
    func refusals() async throws {
        var poor = SandboxSettings.fast()
        poor.balance = 600
        try await withSandbox(poor) { client, _ in
            _ = try await client.send(SendRequest(type: .adsl, number: "036362608", value: 500, ref: "r-1"))
            await #expect(throws: UpstreamError.self) {
                try await client.send(SendRequest(type: .adsl, number: "036362609", value: 500, ref: "r-1"))
            }
            do {
                _ = try await client.send(SendRequest(type: .adsl, number: "036362609", value: 500, ref: "r-1"))
            } catch let error as UpstreamError {
                #expect(error.code == "DUPLICATED_REF" && error.isForbidden && !error.isRetryable)
            }
            do {
                _ = try await client.send(SendRequest(type: .adsl, number: "036362609", value: 500, ref: "r-2"))
            } catch let error as UpstreamError {
                #expect(error.code == "INSUFFICIENT_BALANCE" && error.isForbidden && error.httpStatus == 403)
            }
            do {
                _ = try await client.send(SendRequest(type: .adsl, number: "036362609", value: 3000, ref: "r-3"))
            } catch let error as UpstreamError {
                #expect(error.code == "ERR_STOCK" && error.isValidation)
            }
            do {
                _ = try await client.checkNumber(.adsl, number: SandboxNumbers.unknownLine.adsl)
            } catch let error as UpstreamError {
                #expect(error.code == "ERR_PHONE" && error.isValidation && error.httpStatus == 400)
            }
            do {
                _ = try await client.checkID("000000000000000000000000")
            } catch let error as UpstreamError {
                #expect(error.isNotFound && error.code == "NOT_FOUND")
            }
        }
    }

    @Test(
        "a badly formed number never reaches the network",
        arguments: [
            (CardType.adsl, "36362608"), (.adsl, "0363626081"), (.adsl, "213636362608"), (.adsl, "+213636362608"),
            (.fourG, "0665983439"), (.fourG, "+213665983439"), (.fourG, "2136659834399"), (.fourG, "21366598343a"),
        ])
    func localValidation(type: CardType, number: String) async throws {
        try await withSandbox { client, sandbox in
            do {
                _ = try await client.send(SendRequest(type: type, number: number, value: 500))
                Issue.record("sent a bad number")
            } catch let error as UpstreamError {
                #expect(error.isInvalidNumber && error.code == "ERR_PHONE")
            }
            await #expect(throws: UpstreamError.self) { try await client.checkNumber(type, number: number) }
            #expect(await sandbox.requestCounts().isEmpty)
        }
    }

    @Test("the documented test numbers end refunded, queued, or stuck")
    func testNumbers() async throws {
        var settings = SandboxSettings.fast()
        settings.queuedFor = 3_600
        try await withSandbox(settings) { client, _ in
            let balance = try await client.balance()
            let refunded = try await client.send(
                SendRequest(type: .fourG, number: SandboxNumbers.refunded.fourG, value: 1000))
            let queued = try await client.send(SendRequest(type: .adsl, number: SandboxNumbers.queued.adsl, value: 500))
            let stuck = try await client.send(SendRequest(type: .adsl, number: SandboxNumbers.stuck.adsl, value: 500))
            let q = try await Self.waitFor(client, queued.topupId, until: .queued)
            #expect(q.status == .known(.queued) && q.card == nil)
            let r = try await Self.waitFor(client, refunded.topupId, until: .refunded)
            #expect(r.status == .known(.refunded) && r.card == nil)
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await client.checkID(stuck.topupId).status == .known(.handling))
            // The refund went back to the balance; the other two were paid.
            #expect(try await client.balance() == balance - 2 * 490)
        }
    }

    @Test("a queued top-up is fulfilled once its queue time has passed")
    func queuedThenFulfilled() async throws {
        var settings = SandboxSettings.fast()
        settings.queuedFor = 0.05
        try await withSandbox(settings) { client, _ in
            let queued = try await client.send(
                SendRequest(type: .fourG, number: SandboxNumbers.queued.fourG, value: 500))
            let later = try await Self.waitFor(client, queued.topupId, until: .fulfilled)
            #expect(later.status == .known(.fulfilled) && later.card != nil)
        }
    }

    @Test("list pages through history, newest first")
    func pagination() async throws {
        try await withSandbox { client, _ in
            for index in 0..<5 {
                _ = try await client.send(SendRequest(type: .adsl, number: "036362608", value: 500, ref: "p-\(index)"))
            }
            let first = try await client.list(page: 1, pageSize: 2)
            #expect(first.items.map(\.ref) == ["p-4", "p-3"])
            #expect(first.totalPages == 3 && first.totalResults == 5)
            let last = try await client.list(page: 3, pageSize: 2)
            #expect(last.items.map(\.ref) == ["p-0"])
        }
    }

    @Test("list bounds by creation time, leaves the card to check-id, and counts items it cannot read")
    func listWindow() async throws {
        try await withSandbox(.fast(resolveAfter: 0.01...0.02)) { client, sandbox in
            _ = try await client.send(SendRequest(type: .adsl, number: "036362608", value: 500, ref: "w-0"))
            try await Task.sleep(for: .milliseconds(60))
            let middle = TimeSource.system.now()
            let later = try await client.send(SendRequest(type: .adsl, number: "036362608", value: 500, ref: "w-1"))
            try await Task.sleep(for: .milliseconds(60))
            let window = try await client.list(from: middle, to: TimeSource.system.now(), pageSize: 100)
            #expect(window.items.map(\.ref) == ["w-1"] && window.totalResults == 1)
            #expect(window.items.first?.status == .known(.fulfilled) && window.items.first?.card == nil)
            #expect(try await client.checkID(later.topupId).card != nil)
            #expect(try await client.list(to: middle).items.map(\.ref) == ["w-0"])

            await sandbox.setListOmits(["status"])
            let blind = try await client.list(pageSize: 100)
            #expect(blind.items.isEmpty && blind.unreadable == 2 && blind.totalResults == 2)
            await sandbox.setListOmits([])
            #expect(await sandbox.deleteTopup(later.topupId))
            #expect(try await client.list().items.map(\.ref) == ["w-0"])
            await #expect(throws: UpstreamError.self) { try await client.checkID(later.topupId) }
        }
    }

    @Test("a refused primary key falls back to the secondary once, then prefers it")
    func secondaryKey() async throws {
        var settings = SandboxSettings.fast()
        settings.requiredKey = "the-new-key-0000"
        let logs = LogCapture()
        try await withSandbox(settings, key: "the-old-key-0000", secondaryKey: "the-new-key-0000", logs: logs) {
            client, sandbox in
            let adsl = try await client.products(.adsl)
            let fourG = try await client.products(.fourG)
            #expect(adsl.count == 4 && fourG.count == 5)
            #expect(await sandbox.requestCounts()["GET /internet/products"] == 3)
        }
        #expect(logs.text.contains("trying the other once"))
        #expect(!logs.text.contains("the-new-key-0000") && !logs.text.contains("the-old-key-0000"))
        settings.requiredKey = "nobody-has-this"
        try await withSandbox(settings, key: "the-old-key-0000", secondaryKey: "the-new-key-0000") { client, _ in
            do {
                _ = try await client.products(.adsl)
                Issue.record("accepted")
            } catch let error as UpstreamError {
                #expect(error.isAuthentication && error.code == "INVALID_ACCESS_TOKEN" && !error.isRetryable)
            }
        }
    }
}
