import BitaqaTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Health, readiness and metrics")
struct OperationsTests {
    @Test("health and ready answer on both databases", arguments: TestDatabase.available)
    func healthAndReady(database: TestDatabase) async throws {
        try await TestApp.run(on: database) { client, _ in
            let health = try await client.execute(uri: "/health", method: .get)
            #expect(health.status == .ok)
            #expect(health.json?["status"] as? String == "ok")
            let ready = try await client.execute(uri: "/ready", method: .get)
            #expect(ready.status == .ok)
            #expect(ready.json?["database"] as? String == database.rawValue)
        }
    }

    @Test("the OpenAPI document is served, byte for byte the repository's openapi.yaml")
    func openAPI() async throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("openapi.yaml")
        let expected = try Data(contentsOf: file)
        try await TestApp.run { client, _ in
            let response = try await client.execute(uri: "/openapi.yaml", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("application/yaml") == true)
            #expect(Data(buffer: response.body) == expected)
            #expect(String(decoding: expected, as: UTF8.self).hasPrefix("openapi: 3.1"))
        }
    }

    @Test("wrong tokens on /metrics lock the address out like the merchant API's, and count with them")
    func metricsLockout() async throws {
        try await TestApp.run(settings: ["BITAQA_RATE_LIMIT_AUTH_FAILURES": "3"]) { client, _ in
            let wrong: HTTPFields = [.authorization: "Bearer not-the-token"]
            for _ in 0..<2 {
                #expect(try await client.execute(uri: "/metrics", method: .get, headers: wrong).status == .unauthorized)
            }
            #expect(try await client.execute(uri: "/v1/orders", method: .get, headers: wrong).status == .unauthorized)
            let locked = try await client.execute(uri: "/metrics", method: .get, headers: .admin())
            #expect(locked.status == .tooManyRequests, "the right token after three failures is still refused")
            #expect(locked.headers[.retryAfter] != nil)
            let merchant = try await client.execute(uri: "/v1/orders", method: .get, headers: .admin())
            #expect(merchant.status == .tooManyRequests)
        }
    }

    @Test("metrics need the admin token and count requests per route pattern")
    func metrics() async throws {
        try await TestApp.run { client, _ in
            let denied = try await client.execute(uri: "/metrics", method: .get)
            #expect(denied.status == .unauthorized)
            #expect(try ErrorReply(denied).error == "UNAUTHORIZED")
            _ = try await client.execute(uri: "/v1/orders/some-order-id", method: .get, headers: .admin())
            let metrics = try await client.execute(uri: "/metrics", method: .get, headers: .admin())
            #expect(metrics.status == .ok)
            let text = String(buffer: metrics.body)
            #expect(text.contains("hb_requests"))
            #expect(text.contains(#"http_route="/v1/orders/{topupId}""#))
            #expect(!text.contains("some-order-id"), "an id reached a metric label")
        }
    }

    @Test("metrics count client errors with their own status: 401 and 404, not 500")
    func clientErrorsCounted() async throws {
        try await TestApp.run { client, _ in
            #expect(try await client.execute(uri: "/v1/orders/x", method: .get).status == .unauthorized)
            #expect(
                try await client.execute(uri: "/v1/orders/nope", method: .get, headers: .admin()).status == .notFound)
            let text = String(buffer: try await client.execute(uri: "/metrics", method: .get, headers: .admin()).body)
            let lines = text.split(separator: "\n").filter {
                $0.hasPrefix("hb_requests") && $0.contains("/v1/orders/{topupId}")
            }
            #expect(lines.contains { $0.contains(#"http_response_status_code="401""#) }, "\(lines)")
            #expect(lines.contains { $0.contains(#"http_response_status_code="404""#) }, "\(lines)")
            #expect(!lines.contains { $0.contains(#"http_response_status_code="500""#) }, "\(lines)")
        }
    }

    @Test("the request id is the service's own; a plain caller id is echoed apart, any other dropped")
    func requestIDs() async throws {
        try await TestApp.run { client, _ in
            let kept = try await client.execute(
                uri: "/health", method: .get, headers: [HTTPField.Name("X-Request-Id")!: "abc-123"])
            let own = try #require(kept.headers[HTTPField.Name("X-Request-Id")!])
            #expect(own != "abc-123" && UUID(uuidString: own) != nil)
            #expect(kept.headers[HTTPField.Name("X-Client-Request-Id")!] == "abc-123")
            let replaced = try await client.execute(
                uri: "/health", method: .get, headers: [HTTPField.Name("X-Request-Id")!: "bad id\twith spaces"])
            let id = try #require(replaced.headers[HTTPField.Name("X-Request-Id")!])
            #expect(id != "bad id\twith spaces")
            #expect(UUID(uuidString: id) != nil)
            #expect(replaced.headers[HTTPField.Name("X-Client-Request-Id")!] == nil)
        }
    }

    @Test("the request log redacts credentials and carries the request id")
    func logRedaction() async throws {
        let logs = LogCapture()
        let canary = "CANARY-bearer-9d2e"
        try await TestApp.run(logs: logs) { client, _ in
            _ = try await client.execute(
                uri: "/v1/orders/x", method: .get,
                headers: [.authorization: "Bearer \(canary)", HTTPField.Name("X-Request-Id")!: "rid-77"])
            _ = try await client.execute(
                uri: "/metrics", method: .get, headers: [.authorization: "Bearer \(canary)", .cookie: "s=\(canary)"])
        }
        let text = logs.text
        #expect(text.contains("rid-77"))
        #expect(text.contains("redacted"))
        #expect(!text.contains(canary))
        #expect(!text.contains(TestApp.adminToken))
    }
}
