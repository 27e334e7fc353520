import BitaqaTestSupport
import Foundation
import Orders
import Storage
import Testing

/// Issue 9's mail faults: the SMTP server answers 451, then drops connections during DATA, then
/// recovers; one recipient is refused with 550 until the merchant fixes it and resends.
@Suite("Reliability: mail faults")
struct ReliabilityMailFaultTests {
    @Test("451 for a while, drops during DATA, recovery: every email delivered once; 550 fails, resend delivers")
    func mailFaults() async throws {
        let orders = Reliability.count(ci: 60, full: 300)
        let tempfailFor: Duration = Reliability.full ? .seconds(60) : .seconds(15)
        let dropFor: Duration = Reliability.full ? .seconds(30) : .seconds(8)
        let refused = "nobody@refused.dz"
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (location, drop) = try await TestDatabase.sqlite.makeLocation(in: directory)
        let mail = try await FaultyMailServer.start(in: directory)
        defer { mail.stop() }
        try mail.set(mode: "tempfail", reject: [refused])
        let sms = try await SMSEndpoint.start(in: directory, token: "sms-token-reliability")
        defer { sms.stop() }
        let (sandbox, sandboxURL) = try await PipelineProcessTests.startSandbox(directory, resolve: (0.2, 1))
        defer { sandbox.terminateIfRunning() }
        var environment = PipelineProcessTests.serverEnvironment(
            directory, database: TestDatabase.url(of: location), sandbox: sandboxURL)
        environment.merge(sms.environment) { $1 }
        environment.merge(mail.environment) { $1 }
        environment["BITAQA_DELIVERY_RETRY_BASE"] = "0.5"
        environment["BITAQA_DELIVERY_RETRY_CAP"] = "4"
        environment["BITAQA_DELIVERY_MAX_ATTEMPTS"] = "200"
        environment["BITAQA_LOG_LEVEL"] = "warning"
        let server = try await ServerProcess.start(directory: directory.path, environment: environment)
        let ids = try await Reliability.placeAll(orders, on: [server])
        #expect(ids.count == orders)
        guard let refusedOrder = try Reliability.place(server, index: orders, email: refused) else {
            Issue.record("the order for the refused address was not placed")
            return
        }
        let store = try await Store.open(location, logger: TestDatabase.quietLogger)

        try await Task.sleep(for: tempfailFor)
        let duringTempfail = mail.events()
        #expect(!duringTempfail.contains { $0.event == "accepted" }, "nothing is accepted while the server answers 451")
        #expect(try await Reliability.deliveryStates(store)["failed"] == nil, "a 451 never fails a delivery")
        try mail.set(mode: "drop", reject: [refused])
        try await Task.sleep(for: dropFor)
        try mail.set(mode: "accept", reject: [refused])
        let recovered = ContinuousClock.now

        // Every email but the refused one, and every SMS.
        let drained = try await Reliability.waitUntil(.seconds(120)) {
            let states = try await Reliability.deliveryStates(store)
            return states["delivered"] == 2 * orders + 1 && states["failed"] == 1
        }
        let drainTime = ContinuousClock.now - recovered
        let afterRecovery = try await Reliability.deliveryStates(store)
        #expect(drained, "deliveries by state: \(afterRecovery)")
        let (_, detail) = try HTTPProbe.request(
            "GET", server.base + "/v1/orders/\(refusedOrder)",
            headers: ["Authorization": "Bearer \(PipelineProcessTests.adminToken)"]
        )
        #expect(detail.contains(#""state":"failed""#) && detail.contains("550"), "the failure says why: \(detail)")

        // The merchant fixes the address at the mail server's end and resends.
        try mail.set(mode: "accept")
        let (resendStatus, resendBody) = try HTTPProbe.request(
            "POST", server.base + "/v1/orders/\(refusedOrder)/resend",
            headers: [
                "Authorization": "Bearer \(PipelineProcessTests.adminToken)", "Content-Type": "application/json",
            ], body: #"{"channel":"email"}"#
        )
        #expect(resendStatus == 202, "resend answered \(resendStatus): \(resendBody)")
        let resent = try await Reliability.waitUntil(.seconds(30)) {
            mail.events().contains { $0.event == "accepted" && $0.recipients.contains(refused) }
        }
        #expect(resent, "the resent card reached the mail server")
        await store.shutdown()
        _ = server.stop()

        let events = mail.events()
        let tally = Dictionary(grouping: events, by: \.event).mapValues(\.count)
        let accepted = mail.accepted()
        #expect(accepted.count == orders + 1, "one accepted email per order")
        #expect(
            accepted.values.allSatisfy { $0 == 1 }, "an email was accepted twice: \(accepted.filter { $0.value > 1 })")
        #expect((tally["dropped"] ?? 0) > 0, "connections were dropped during DATA")
        #expect(Set(sms.bodies()).count == orders + 1, "every SMS arrived once")
        print(
            "mail faults: \(orders + 1) orders; server events \(tally); all delivered \(drainTime) after recovery; resend of the 550 address delivered"
        )
        sandbox.terminateIfRunning()
        await drop()
    }
}
