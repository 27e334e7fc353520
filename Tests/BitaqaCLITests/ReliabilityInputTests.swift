import BitaqaTestSupport
import Foundation
import Testing

/// Issue 9's slow clients and bad input: a thousand connections trickling their headers while every
/// endpoint gets oversized bodies, invalid UTF-8, JSON bombs and oversized headers
/// (`scripts/reliability/slow_clients.py`); `/health` must keep answering within a second and memory
/// must stay bounded.
@Suite("Reliability: slow clients and bad input")
struct ReliabilityInputTests {
    static let endpoints: [(String, String, String)] = [
        ("GET", "/health", "none"), ("GET", "/ready", "none"), ("GET", "/metrics", "admin"),
        ("POST", "/v1/orders", "admin"), ("POST", "/v1/orders/send", "admin"), ("GET", "/v1/orders/o-1", "admin"),
        ("POST", "/v1/orders/o-1/resend", "admin"), ("GET", "/v1/products?type=ADSL", "admin"),
        ("GET", "/v1/audit?order=o-1", "admin"),
        ("GET", "/api/internet-orders", "customer"), ("GET", "/api/internet-orders/o-1", "customer"),
        ("GET", "/api/internet-orders/o-1/card", "customer"), ("GET", "/cards/not-a-token", "none"),
        ("POST", "/cards/not-a-token", "none"),
        ("POST", "/v1/orders", "none"),
    ]

    @Test("1,000 slow-header connections and hostile bodies on every endpoint: /health within 1 s, memory bounded")
    func slowClientsAndBadInput() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let jwtSecret = String(repeating: "j", count: 40)
        let server = try await ServerProcess.start(
            directory: directory.path,
            environment: [
                "BITAQA_DATA_DIR": directory.path, "BITAQA_ADMIN_TOKEN": PipelineProcessTests.adminToken,
                "BITAQA_JWT_SECRET": jwtSecret,
                "BITAQA_HTTP_IDLE_TIMEOUT": "5", "BITAQA_LOG_LEVEL": "warning",
            ]
        )
        let pid = server.running.process.processIdentifier
        let before = Reliability.memory(of: pid)
        let token = try await CustomerToken.hs256(subject: "buyer-1", secret: jwtSecret)
        let endpoints = Self.endpoints.map { ["method": $0.0, "path": $0.1, "auth": $0.2] }
        let endpointsFile = directory.path + "/endpoints.json"
        try JSONSerialization.data(withJSONObject: endpoints).write(to: URL(fileURLWithPath: endpointsFile))

        let connections = 1_000
        let duration = Reliability.count(ci: 15, full: 60)
        let run = try Reliability.start(
            Reliability.python,
            [
                Reliability.script("slow_clients.py"), "--host", "127.0.0.1", "--port", "\(server.port)",
                "--connections", "\(connections)",
                "--duration", "\(duration)", "--admin-token", PipelineProcessTests.adminToken, "--bearer", token,
                "--endpoints", endpointsFile,
            ])
        var peak = before?.peak ?? 0
        _ = try await Reliability.waitUntil(.seconds(duration + 120), every: .milliseconds(250)) {
            peak = max(peak, Reliability.memory(of: pid)?.peak ?? 0)
            return !run.process.isRunning
        }
        run.expectExit(within: .seconds(5))
        let after = Reliability.memory(of: pid)
        let stillServing = try HTTPProbe.request("GET", server.base + "/health").0
        _ = server.stop()
        let output = run.stdout()
        guard let report = try? JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any],
            let slow = report["slow"] as? [String: Any], let health = report["health"] as? [String: Any],
            let bad = report["bad_input"] as? [[String: Any]]
        else {
            Issue.record("slow_clients.py gave no report: \(output.prefix(500)) \(run.stderr().suffix(1_000))")
            return
        }
        #expect(stillServing == 200)
        #expect(health["failures"] as? Int == 0 && health["over_1s"] as? Int == 0, "health: \(health)")
        #expect((health["count"] as? Int ?? 0) >= duration * 5, "health was probed throughout: \(health)")
        #expect(slow["opened"] as? Int == connections, "slow: \(slow)")
        // The idle timeout (5 s here) closes connections that never finish their headers.
        #expect(slow["closed_by_server"] as? Int == connections, "slow: \(slow)")

        var failures: [String] = []
        for item in bad {
            let label = "\(item["method"] ?? "") \(item["path"] ?? "") \(item["case"] ?? "")"
            let status = item["status"] as? Int
            let closed = item["closed_without_response"] as? Bool ?? false
            switch item["case"] as? String {
            case "huge_header", "many_headers":
                // Past the header limit the server answers 431 or closes: either way nothing is read.
                if let status, status != 431, status != 400 { failures.append("\(label) → \(status)") }
                if status == nil, !closed { failures.append("\(label) → no answer") }
            default:
                guard let status else {
                    failures.append("\(label) → no answer")
                    continue
                }
                if status >= 500 { failures.append("\(label) → \(status)") }
            }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "; "))")
        #expect(bad.count == Self.endpoints.count * 8)
        // Bounded: a thousand idle connections and 8 MiB bodies must not grow the server past this.
        let peakMiB = max(peak, after?.peak ?? 0) / 1024
        #expect(peakMiB < 300, "peak RSS \(peakMiB) MiB")
        let statuses = Dictionary(grouping: bad, by: { "\($0["case"] ?? "")" }).mapValues {
            Set($0.map { "\($0["status"] as? Int ?? 0)" }).sorted()
        }
        print(
            "slow clients: \(slow["opened"] ?? 0) opened, \(slow["closed_by_server"] ?? 0) closed by the server after \(slow["close_after_seconds"] ?? "-") s; "
                + "health \(health); RSS \((before?.current ?? 0) / 1024) MiB before, peak \(peakMiB) MiB; statuses by case \(statuses)"
        )
    }

    @Test("the configured body and header limits are the ones applied")
    func configuredLimits() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try await ServerProcess.start(
            directory: directory.path,
            environment: [
                "BITAQA_DATA_DIR": directory.path, "BITAQA_ADMIN_TOKEN": PipelineProcessTests.adminToken,
                "BITAQA_HTTP_MAX_BODY_BYTES": "2048", "BITAQA_HTTP_MAX_HEADER_BYTES": "4096",
            ]
        )
        let admin = ["Authorization": "Bearer \(PipelineProcessTests.adminToken)", "Content-Type": "application/json"]
        func post(_ size: Int) throws -> Int {
            try HTTPProbe.request(
                "POST", server.base + "/v1/orders", headers: admin,
                body: #"{"topupId":"\#(String(repeating: "x", count: size))"}"#
            ).0
        }
        #expect(try post(3_000) == 413)
        #expect(try post(1_500) == 400, "under the limit the body is read (and refused for its content)")
        let (bigHeader, _) = try HTTPProbe.request(
            "GET", server.base + "/health", headers: ["X-Big": String(repeating: "h", count: 6_000)])
        #expect(bigHeader == 400 || bigHeader == 431 || bigHeader == 0, "a head over 4 KiB is refused: \(bigHeader)")
        let (smallHeader, _) = try HTTPProbe.request(
            "GET", server.base + "/health", headers: ["X-Big": String(repeating: "h", count: 2_000)])
        #expect(smallHeader == 200)
        _ = server.stop()
    }
}
