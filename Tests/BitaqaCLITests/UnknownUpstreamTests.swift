import BitaqaTestSupport
import Foundation
import Testing

/// Issue 22: an order whose top-up the upstream never sold ends in `UNKNOWN_UPSTREAM` instead of being
/// checked forever, the buyer reads "cannot be found" in their language, and `bitaqa orders check`
/// brings it back to tracking.
@Suite("Orders the upstream does not know")
struct UnknownUpstreamTests {
    static let jwtSecret = String(repeating: "u", count: 40)

    @Test(
        "a NOT_FOUND top-up becomes UNKNOWN_UPSTREAM with a fast clock, the buyer is told in French, reconciliation shows it, orders check tracks it again",
        arguments: TestDatabase.available)
    func unknown(database: TestDatabase) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (location, drop) = try await database.makeLocation(in: directory)
        let (sandbox, url) = try await PipelineProcessTests.startSandbox(directory, resolve: (0.3, 0.3))
        defer { sandbox.terminateIfRunning() }
        var environment = PipelineProcessTests.serverEnvironment(
            directory, database: TestDatabase.url(of: location), sandbox: url)
        environment["BITAQA_UNKNOWN_UPSTREAM_AFTER"] = "1"
        environment["BITAQA_JWT_SECRET"] = Self.jwtSecret
        let server = try await ServerProcess.start(directory: directory.path, environment: environment)
        let admin = ["Authorization": "Bearer \(PipelineProcessTests.adminToken)", "Content-Type": "application/json"]
        let (registered, _) = try HTTPProbe.request(
            "POST", server.base + "/v1/orders", headers: admin,
            body: #"{"topupId":"6740a1b2","userId":"buyer-7","email":"b@example.com","locale":"fr"}"#)
        #expect(registered == 201)

        var status = ""
        for _ in 0..<100 {
            let (_, body) = try HTTPProbe.request("GET", server.base + "/v1/orders/6740a1b2", headers: admin)
            status =
                (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["status"] as? String ?? ""
            if status == "UNKNOWN_UPSTREAM" { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(status == "UNKNOWN_UPSTREAM")

        let token = try await CustomerToken.hs256(subject: "buyer-7", secret: Self.jwtSecret)
        let (code, card) = try HTTPProbe.request(
            "GET", server.base + "/api/internet-orders/6740a1b2/card", headers: ["Authorization": "Bearer \(token)"])
        #expect(code == 400 && card.contains("ORDER_NOT_READY") && card.contains("introuvable"), "\(card)")

        let (_, report) = try HTTPProbe.request(
            "GET", server.base + "/v1/reconciliation", headers: admin)
        #expect(report.contains(#""localStatus":"UNKNOWN_UPSTREAM""#), "\(report.prefix(800))")
        _ = server.stop()

        // Tracking stopped; the operator's check starts it again.
        let checked = try BitaqaProcess.run(["orders", "check", "6740a1b2"], environment: environment)
        #expect(checked.status == 0, "\(checked.stderr.suffix(500))")
        let order = try JSONSerialization.jsonObject(with: Data(checked.stdout.utf8)) as? [String: Any]
        #expect(order?["status"] as? String == "HANDLING", "\(checked.stdout)")
        await drop()
    }
}
