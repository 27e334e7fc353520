import BitaqaTestSupport
import Foundation
import Testing

/// The command line and `serve` are built by the same composition root: a card stored by
/// `bitaqa orders check` and an order adopted by `bitaqa reconcile --adopt` leave the same audit events
/// and the same webhook messages as the same work done by `serve`.
@Suite(
    "One composition root: the command line does what serve does",
    .enabled(if: WebhookReceiver.available, "standardwebhooks is not installed"))
struct CompositionParityTests {
    static let secret = WebhookProcessTests.secret

    @Test(
        "a card stored by orders check and an order adopted by reconcile --adopt: same events, same webhooks as serve",
        arguments: TestDatabase.available)
    func parity(database: TestDatabase) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (location, drop) = try await database.makeLocation(in: directory)
        let receiver = try await WebhookReceiver.start(in: directory, secrets: [Self.secret])
        defer { receiver.stop() }
        let (sandbox, url) = try await PipelineProcessTests.startSandbox(directory, resolve: (0.2, 0.2))
        defer { sandbox.terminateIfRunning() }
        var environment = PipelineProcessTests.serverEnvironment(
            directory, database: TestDatabase.url(of: location), sandbox: url)
        environment["BITAQA_WEBHOOK_URL"] = receiver.url
        environment["BITAQA_WEBHOOK_SECRET"] = Self.secret
        // Checks far apart: while this server runs, only the command sees the first order fulfilled.
        var slow = environment
        slow["BITAQA_POLL_INTERVAL"] = "600"
        let first = try await ServerProcess.start(directory: directory.path, environment: slow)
        let byCommand = try #require(try PipelineProcessTests.send(first, index: 1))
        _ = first.stop()
        try await Task.sleep(for: .milliseconds(500))
        let checked = try BitaqaProcess.run(["orders", "check", byCommand], environment: environment)
        #expect(checked.status == 0, "\(checked.stderr.suffix(500))")

        // Two top-ups sent around Bitaqa: one adopted by the command, one registered through serve.
        let adopted = try Self.sendAround(url, ref: "around-cli", value: 1000)
        let adopt = try BitaqaProcess.run(["reconcile", "--adopt"], environment: environment)
        #expect(adopt.stderr.contains("adopted 1 untracked"), "\(adopt.stderr.suffix(500))")
        let registered = try Self.sendAround(url, ref: "around-api", value: 2000)

        let server = try await ServerProcess.start(directory: directory.path, environment: environment)
        let (status, _) = try HTTPProbe.request(
            "POST", server.base + "/v1/orders",
            headers: [
                "Authorization": "Bearer \(PipelineProcessTests.adminToken)", "Content-Type": "application/json",
            ],
            body: #"{"topupId":"\#(registered)","userId":"u-around"}"#)
        #expect(status == 201)
        let byServer = try #require(try PipelineProcessTests.send(server, index: 2))

        // Every card is stored, and every order.fulfilled message arrives, whoever stored the card:
        // serve's webhook sender also sends what the command wrote into the outbox.
        func fulfilled() -> Set<String> {
            Set(
                receiver.accepted().values.compactMap { record -> String? in
                    guard let body = record["body"] as? String,
                        let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
                        object["type"] as? String == "order.fulfilled"
                    else { return nil }
                    return (object["data"] as? [String: Any])?["topupId"] as? String
                })
        }
        let all: Set = [byCommand, byServer, adopted, registered]
        let arrived = try await WebhookProcessTests.waitFor(.seconds(40)) { fulfilled() == all }
        #expect(arrived, "order.fulfilled for \(fulfilled().sorted()), expected \(all.sorted())")

        let storedByCommand = try Self.kinds(server, byCommand)
        let storedByServer = try Self.kinds(server, byServer)
        // The command's explicit check is audited, as a check asked on any surface is.
        #expect(storedByCommand.contains("CHECK_REQUESTED"))
        #expect(
            storedByCommand.subtracting(["CHECK_REQUESTED"]) == storedByServer,
            "orders check: \(storedByCommand), serve: \(storedByServer)")
        #expect(storedByCommand.contains("CARD_STORED"))
        let adoptedKinds = try Self.kinds(server, adopted)
        let registeredKinds = try Self.kinds(server, registered)
        #expect(adoptedKinds == registeredKinds, "reconcile --adopt: \(adoptedKinds), serve: \(registeredKinds)")
        #expect(adoptedKinds.isSuperset(of: ["ORDER_REGISTERED", "CARD_STORED"]))
        _ = server.stop()

        // Every event either path wrote is keyed: the whole trail verifies.
        let verified = try BitaqaProcess.run(["audit", "verify"], environment: environment)
        #expect(verified.status == 0, "\(verified.stdout.suffix(300))\(verified.stderr.suffix(300))")
        await drop()
    }

    /// The kinds of the order's audit events, as `GET /v1/audit?order=` lists them.
    static func kinds(_ server: ServerProcess, _ topupId: String) throws -> Set<String> {
        let (_, body) = try HTTPProbe.request(
            "GET", server.base + "/v1/audit?order=\(topupId)",
            headers: ["Authorization": "Bearer \(PipelineProcessTests.adminToken)"])
        let events = (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["events"]
        return Set((events as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String })
    }

    /// A top-up placed on the sandbox directly, as a shop script would behind Bitaqa's back.
    static func sendAround(_ url: String, ref: String, value: Int) throws -> String {
        let (status, body) = try HTTPProbe.request(
            "POST", url + "/v3/internet/send",
            headers: ["X-Access-Token": PipelineProcessTests.sandboxKey, "Content-Type": "application/json"],
            body: #"{"type":"ADSL","number":"036362608","value":\#(value),"ref":"\#(ref)"}"#)
        #expect(status == 200)
        let data = (try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["data"]
        return try #require((data as? [String: Any])?["topupId"] as? String)
    }
}
