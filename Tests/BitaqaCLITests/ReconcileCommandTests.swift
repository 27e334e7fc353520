import BitaqaTestSupport
import Foundation
import Testing

/// `bitaqa reconcile` against a standalone sandbox and the database `serve` wrote.
@Suite("bitaqa reconcile")
struct ReconcileCommandTests {
    @Test(
        "a table with totals and exit 1 for top-ups sent around Bitaqa; json; --adopt registers them; an empty window exits 0"
    )
    func reconcile() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (location, drop) = try await TestDatabase.sqlite.makeLocation(in: directory)
        let (sandbox, url) = try await PipelineProcessTests.startSandbox(directory, resolve: (0.05, 0.1))
        defer { sandbox.terminateIfRunning() }
        let environment = PipelineProcessTests.serverEnvironment(
            directory, database: TestDatabase.url(of: location), sandbox: url)
        let server = try await ServerProcess.start(directory: directory.path, environment: environment)
        let known = try #require(try PipelineProcessTests.send(server, index: 1))
        var delivered = false
        for _ in 0..<100 where !delivered {
            let states = try PipelineProcessTests.deliveryStates(server, known)
            delivered = !states.isEmpty && states.allSatisfy { $0 == "delivered" }
            if !delivered { try await Task.sleep(for: .milliseconds(50)) }
        }
        _ = server.stop()
        #expect(delivered)
        var around: [String] = []
        for (index, value) in [(1, 1000), (2, 2000)] {
            let (status, body) = try HTTPProbe.request(
                "POST", url + "/v3/internet/send",
                headers: ["X-Access-Token": PipelineProcessTests.sandboxKey, "Content-Type": "application/json"],
                body: #"{"type":"ADSL","number":"036362608","value":\#(value),"ref":"around-\#(index)"}"#)
            #expect(status == 200)
            let data = (try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["data"]
            around.append(try #require((data as? [String: Any])?["topupId"] as? String))
        }

        let text = try BitaqaProcess.run(["reconcile"], environment: environment)
        #expect(text.status == 1, "\(text.stderr.suffix(400))")
        #expect(text.stdout.contains("KIND") && text.stdout.contains("VALUE DZD"))
        #expect(around.allSatisfy { text.stdout.contains($0) } && !text.stdout.contains(known), "\(text.stdout)")
        #expect(text.stdout.contains("untracked: 2, 3000 DZD"), "\(text.stdout)")

        let json = try BitaqaProcess.run(["reconcile", "--format", "json"], environment: environment)
        #expect(json.status == 1)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let differences = try #require(report["differences"] as? [[String: Any]])
        #expect(Set(differences.compactMap { $0["topupId"] as? String }) == Set(around))
        #expect(differences.allSatisfy { $0["kind"] as? String == "untracked" })

        let adopted = try BitaqaProcess.run(["reconcile", "--adopt"], environment: environment)
        #expect(adopted.stderr.contains("adopted 2 untracked"), "\(adopted.stderr.suffix(400))")
        let again = try BitaqaProcess.run(["reconcile", "--format", "json"], environment: environment)
        let kinds = (try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])?["differences"]
        #expect((kinds as? [[String: Any]])?.allSatisfy { $0["kind"] as? String != "untracked" } == true)

        let empty = try BitaqaProcess.run(
            ["reconcile", "--from", "2020-01-01", "--to", "2020-01-02"], environment: environment)
        #expect(empty.status == 0 && empty.stdout.contains("no differences"), "\(empty.stdout)\(empty.stderr)")
        #expect(try BitaqaProcess.run(["reconcile", "--from", "yesterday"], environment: environment).status == 2)
        #expect(try BitaqaProcess.run(["reconcile", "--format", "xml"], environment: environment).status == 2)
        // Only what the sandbox issued could be a card code; none is printed.
        let (_, cards) = try HTTPProbe.request(
            "GET", url + "/sandbox/cards", headers: ["X-Access-Token": PipelineProcessTests.sandboxKey])
        let codes =
            ((try JSONSerialization.jsonObject(with: Data(cards.utf8)) as? [String: Any])?["data"]
            as? [String: Any])?["codes"] as? [String] ?? []
        #expect(!codes.isEmpty)
        for output in [text, json, adopted, again] {
            #expect(!codes.contains { output.stdout.contains($0) || output.stderr.contains($0) })
        }
        await drop()
    }
}
