import BitaqaTestSupport
import Foundation
import Testing

/// Behind a reverse proxy: the client address comes from `X-Forwarded-For` only when the TCP peer is a
/// trusted proxy, so per-address limits and logs see customers, and nobody else can pick an address.
@Suite("Clients behind a trusted proxy")
struct ForwardedForTests {
    /// The client of each logged request, the readiness probes of the test harness left out.
    static func logClients(_ log: String) -> [String] {
        log.split(separator: "\n").compactMap { line -> String? in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                object["message"] as? String == "request", object["route"] as? String != "/ready"
            else { return nil }
            return object["client"] as? String
        }
    }

    @Test("a trusted peer's X-Forwarded-For names the client; limits count each client apart")
    func trusted() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try await ServerProcess.start(
            directory: directory.path,
            environment: [
                "BITAQA_DATA_DIR": directory.path, "BITAQA_TRUSTED_PROXIES": "127.0.0.1", "BITAQA_LOG_FORMAT": "json",
                "BITAQA_JWT_SECRET": String(repeating: "p", count: 40), "BITAQA_RATE_LIMIT_AUTH_FAILURES": "2",
            ])
        func orders(from client: String) throws -> Int {
            try HTTPProbe.request(
                "GET", server.base + "/api/internet-orders",
                headers: ["Authorization": "Bearer bad", "X-Forwarded-For": client]
            ).0
        }
        // Two failures from one customer use up that customer's allowance, not everyone's.
        #expect(try orders(from: "203.0.113.9") == 401)
        #expect(try orders(from: "203.0.113.9, 127.0.0.1") == 401)
        #expect(try orders(from: "203.0.113.9") == 429)
        #expect(try orders(from: "198.51.100.7") == 401)
        _ = try HTTPProbe.request("GET", server.base + "/health", headers: ["X-Forwarded-For": "not an address"])
        let clients = Self.logClients(server.stop())
        #expect(clients.contains("203.0.113.9") && clients.contains("198.51.100.7"), "\(clients)")
        #expect(
            clients.filter { $0 == "127.0.0.1" }.count == 1,
            "only the request with a bad header keeps the peer: \(clients)")
    }

    @Test("IPv6 clients are limited by /64: rotating addresses inside one network buys nothing")
    func ipv6Prefix() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try await ServerProcess.start(
            directory: directory.path,
            environment: [
                "BITAQA_DATA_DIR": directory.path, "BITAQA_TRUSTED_PROXIES": "127.0.0.1",
                "BITAQA_JWT_SECRET": String(repeating: "p", count: 40), "BITAQA_RATE_LIMIT_AUTH_FAILURES": "2",
            ])
        defer { _ = server.stop() }
        func orders(from client: String) throws -> Int {
            try HTTPProbe.request(
                "GET", server.base + "/api/internet-orders",
                headers: ["Authorization": "Bearer bad", "X-Forwarded-For": client]
            ).0
        }
        #expect(try orders(from: "2001:db8:7:1::a") == 401)
        #expect(try orders(from: "2001:db8:7:1::b") == 401)
        #expect(try orders(from: "2001:db8:7:1:ffff::c") == 429, "a fresh address in the same /64")
        #expect(try orders(from: "2001:db8:7:2::a") == 401, "another network has its own allowance")
    }

    @Test("without BITAQA_TRUSTED_PROXIES the header is ignored: a client cannot choose its address")
    func untrusted() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try await ServerProcess.start(
            directory: directory.path,
            environment: [
                "BITAQA_DATA_DIR": directory.path, "BITAQA_LOG_FORMAT": "json",
            ])
        _ = try HTTPProbe.request("GET", server.base + "/health", headers: ["X-Forwarded-For": "203.0.113.9"])
        let log = server.stop()
        let clients = Self.logClients(log)
        #expect(clients == ["127.0.0.1"], "\(clients)")
        #expect(!log.contains("hb.request.id"), "one request id per line, ours")
    }
}
