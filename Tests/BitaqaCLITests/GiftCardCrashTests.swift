import BitaqaTestSupport
import Foundation
import NIOConcurrencyHelpers
import Testing

/// `serve` SIGKILLed in the middle of a burst of gift-card orders and restarted on the same database:
/// `placeOrder` has no idempotency key upstream, so what was in flight must be found in the upstream's
/// list, never placed again.
@Suite("Gift-card orders: serve killed during a burst")
struct GiftCardCrashTests {
    /// The final answer a shop's client got for one order, after its retries.
    struct Answer: Sendable {
        let status: Int
        let orderStatus: String?
        let orderId: String?
        let attempts: Int
        let body: String
    }

    /// The product and type of the burst's `index`th order: 50 PSN 1000, 40 Google Play 500, 10 Google Play
    /// 1000, all within the sandbox's stock (an order placed twice would soon find none left).
    static func product(_ index: Int) -> (productId: String, typeId: String) {
        switch index % 10 {
        case 0..<5: ("psn-dz", "psn-1000")
        case 5..<9: ("google-play", "gp-500")
        default: ("google-play", "gp-1000")
        }
    }

    static func ref(_ index: Int) -> String { "gc-burst-\(index)" }

    @Test(
        "100 orders, serve SIGKILLed mid-burst and restarted: every acknowledged order FULFILLED and delivered, nothing placed twice",
        arguments: TestDatabase.available)
    func killDuringBurst(database: TestDatabase) async throws {
        try await GiftCardRig.run(database, settings: ["BITAQA_LOG_LEVEL": "info"], resolve: (0.2, 1.0)) { rig in
            let count = 100
            // Each placeOrder takes 0.3 s upstream: the kill finds several in flight there, whose orders the
            // upstream makes after their caller died; Bitaqa must find them in the list, not place them again.
            try SandboxControl(base: rig.sandboxURL).setFaults(slow: 1, slowSeconds: 0.3, routes: ["placeOrder"])
            let base = NIOLockedValueBox(rig.server.base)
            let answers = NIOLockedValueBox([Int: Answer]())
            let next = NIOLockedValueBox(0)
            let finished = NIOLockedValueBox(0)
            let started = ContinuousClock.now
            let pid = rig.server.running.process.processIdentifier
            let killedAfter = NIOLockedValueBox<Int?>(nil)
            // Eight clients on threads of their own (curl blocks), each retrying an unanswered request with the
            // same ref and body, as a shop's client would, against whichever server runs.
            for _ in 0..<8 {
                Thread.detachNewThread {
                    defer { finished.withLockedValue { $0 += 1 } }
                    while true {
                        let taken = next.withLockedValue { value -> Int? in
                            guard value < count else { return nil }
                            value += 1
                            return value - 1
                        }
                        guard let index = taken else { return }
                        let (productId, typeId) = Self.product(index)
                        let body = GiftCardRig.orderBody(
                            ref: Self.ref(index), productId: productId, typeId: typeId, quantity: 1,
                            userId: "u\(index)",
                            email: "b\(index)@shop.dz")
                        let deadline = ContinuousClock.now + .seconds(120)
                        var attempts = 0
                        var answer: Answer?
                        while answer == nil, ContinuousClock.now < deadline {
                            attempts += 1
                            let reply = try? HTTPProbe.request(
                                "POST", base.withLockedValue { $0 } + "/v1/gift-card-orders",
                                headers: [
                                    "Authorization": "Bearer \(GiftCardRig.admin)", "Content-Type": "application/json",
                                ], body: body, timeoutSeconds: 15)
                            if let (status, text) = reply, status != 0, status < 500 {
                                let object = GiftCardRig.object(text)
                                answer = Answer(
                                    status: status, orderStatus: object?["status"] as? String,
                                    orderId: object?["orderId"] as? String, attempts: attempts, body: text)
                            } else {
                                Thread.sleep(forTimeInterval: 0.1)
                            }
                        }
                        let final =
                            answer ?? Answer(status: 0, orderStatus: nil, orderId: nil, attempts: attempts, body: "")
                        let answered = answers.withLockedValue { answers in
                            answers[index] = final
                            return answers.count
                        }
                        // SIGKILL by the client that records the 50th answer: the other seven are in flight.
                        if answered == count / 2 {
                            kill(pid, SIGKILL)
                            killedAfter.withLockedValue { $0 = answered }
                        }
                    }
                }
            }

            // Restarted on the same database once the clients killed it, half-way through the burst.
            let killed = try await Reliability.waitUntil(.seconds(90), every: .milliseconds(5)) {
                killedAfter.withLockedValue { $0 } != nil
            }
            #expect(killed, "half the burst acknowledged within 90 s\n\(rig.server.running.lastLines(20))")
            let beforeKill = killedAfter.withLockedValue { $0 } ?? 0
            rig.stoppedLogs.append(rig.server.stop(signal: SIGKILL, grace: .seconds(10)))
            rig.server = try await ServerProcess.start(directory: rig.directory.path, environment: rig.environment)
            base.withLockedValue { $0 = rig.server.base }
            let allAnswered = try await Reliability.waitUntil(.seconds(150), every: .milliseconds(100)) {
                finished.withLockedValue { $0 } == 8
            }
            #expect(allAnswered, "the clients finished within 150 s\n\(rig.server.running.lastLines(20))")
            let final = answers.withLockedValue { $0 }
            let unanswered = (0..<count).filter { (final[$0]?.status ?? 0) == 0 }
            #expect(unanswered.isEmpty, "never answered: \(unanswered.map(Self.ref))")
            let refused = final.filter { ![200, 201].contains($0.value.status) }
            #expect(
                refused.isEmpty,
                "refused: \(refused.map { "\(Self.ref($0.key)): \($0.value.status) \($0.value.body.prefix(200))" })")

            // Everything out of PLACING and HANDLING; an UNCERTAIN order settled by the merchant as the
            // interface says, with a candidate nobody holds; then every card delivered.
            var orders: [[String: Any]] = []
            func waitForSettled(_ what: String) async throws {
                let settled = try await Reliability.waitUntil(.seconds(120), every: .milliseconds(500)) {
                    orders = try rig.allOrders()
                    return orders.count == count
                        && orders.allSatisfy { !["PLACING", "HANDLING"].contains(GiftCardRig.status($0) ?? "") }
                }
                #expect(
                    settled,
                    "\(what) within 120 s: \(Self.census(orders)), still open \(orders.filter { ["PLACING", "HANDLING"].contains(GiftCardRig.status($0) ?? "") }.compactMap { $0["ref"] as? String })\n\(rig.server.running.lastLines(30))"
                )
            }
            try await waitForSettled("every order final or UNCERTAIN")
            var claimed = Set(orders.compactMap { $0["orderId"] as? String })
            var settledByMerchant: [String] = []
            for order in orders where GiftCardRig.status(order) == "UNCERTAIN" {
                let ref = order["ref"] as? String ?? ""
                let candidates = (order["candidates"] as? [[String: Any]] ?? []).compactMap { $0["orderId"] as? String }
                guard let candidate = candidates.first(where: { !claimed.contains($0) }) else { continue }
                let index = Int(ref.split(separator: "-").last ?? "") ?? -1
                let (status, body) = try rig.request(
                    "POST", "/v1/gift-card-orders/register",
                    body:
                        #"{"orderId":"\#(candidate)","ref":"\#(ref)","userId":"u\#(index)","email":"b\#(index)@shop.dz"}"#
                )
                #expect(status == 200, "settling \(ref) with \(candidate): \(body)")
                claimed.insert(candidate)
                settledByMerchant.append(ref)
            }
            if !settledByMerchant.isEmpty { try await waitForSettled("the settled orders final") }
            let delivered = try await Reliability.waitUntil(.seconds(120), every: .milliseconds(500)) {
                orders = try rig.allOrders()
                return orders.filter { GiftCardRig.status($0) == "FULFILLED" }.allSatisfy {
                    GiftCardRig.delivered($0, count: 1)
                }
            }
            let undelivered = orders.filter {
                GiftCardRig.status($0) == "FULFILLED" && !GiftCardRig.delivered($0, count: 1)
            }
            #expect(
                delivered,
                "undelivered: \(undelivered.map { "\($0["ref"] ?? ""): \(GiftCardRig.deliveryStates($0))" })\n\(rig.server.running.lastLines(30))"
            )

            // Every order acknowledged with its orderId is FULFILLED and delivered.
            let byRef = Dictionary(orders.compactMap { order in (order["ref"] as? String).map { ($0, order) } }) {
                a, _ in a
            }
            #expect(byRef.count == count, "one order per ref: \(byRef.count)")
            let acknowledged = final.filter { $0.value.orderId != nil }
            for (index, answer) in acknowledged.sorted(by: { $0.key < $1.key }) {
                let order = byRef[Self.ref(index)]
                #expect(order?["orderId"] as? String == answer.orderId, "\(Self.ref(index)) kept its orderId")
                #expect(
                    order.map(GiftCardRig.status) == "FULFILLED"
                        && order.map { GiftCardRig.delivered($0, count: 1) } == true,
                    "\(Self.ref(index)), acknowledged \(answer.orderStatus ?? "?"), ended \(order.map { "\($0["status"] ?? "?") \(GiftCardRig.deliveryStates($0))" } ?? "missing")"
                )
            }
            let open = orders.filter { ["PLACING", "HANDLING"].contains(GiftCardRig.status($0) ?? "") }
            #expect(open.isEmpty, "left open: \(open.compactMap { $0["ref"] as? String })")

            // Nothing placed twice: at most one placeOrder per ref (a call cut off by the kill before the
            // sandbox made its order made none), and each upstream order is exactly one Bitaqa order's.
            let held = orders.compactMap { $0["orderId"] as? String }
            #expect(Set(held).count == held.count, "an orderId held by two orders")
            let upstreamIds = try rig.sandboxOrderIds()
            let counts = try rig.sandboxCounts()
            #expect(
                counts.placeOrderCalls <= orders.count && counts.orders <= counts.placeOrderCalls,
                "placeOrder calls \(counts.placeOrderCalls), orders \(counts.orders), refs \(orders.count)")
            #expect(upstreamIds.count == counts.orders)
            #expect(
                Set(held) == Set(upstreamIds),
                "upstream orders nobody holds: \(Set(upstreamIds).subtracting(held).sorted()); held but not upstream: \(Set(held).subtracting(upstreamIds).sorted())"
            )

            // Each FULFILLED order's email holds its own card.
            let emails = rig.rawEmails()
            var repeats = 0
            for order in orders where GiftCardRig.status(order) == "FULFILLED" {
                guard let ref = order["ref"] as? String, let orderId = order["orderId"] as? String else { continue }
                let id = "<" + GiftCardRig.messageID(ref: ref, channel: "email", purpose: "gift-cards") + ">"
                let texts = emails.filter { $0.contains(id) }.map(GiftCardMIME.decodedText)
                repeats += max(0, texts.count - 1)
                let card = try rig.sandboxOrder(orderId).cards.first
                #expect(
                    card != nil && !texts.isEmpty
                        && texts.allSatisfy { $0.contains(card!.code) && $0.contains(card!.serial) },
                    "\(ref): \(texts.count) emails, card \(card.map(\.description) ?? "none")")
            }
            let replays = final.values.filter { $0.status == 200 }.map { $0.orderStatus ?? "?" }
            let retried = final.values.filter { $0.attempts > 1 }.count
            print(
                "gift-card crash (\(database)): killed after \(beforeKill) answers; \(retried) requests retried, \(replays.count) answered 200 as replays (\(replays.sorted())); final \(Self.census(orders)); settled by register \(settledByMerchant); \(counts.placeOrderCalls) placeOrder calls, \(counts.orders) upstream orders; \(repeats) repeated emails; \(ContinuousClock.now - started)"
            )
        }
    }

    /// Orders per status, for messages.
    static func census(_ orders: [[String: Any]]) -> [String: Int] {
        orders.reduce(into: [:]) { $0[GiftCardRig.status($1) ?? "?", default: 0] += 1 }
    }
}
