import Audit
import BitaqaTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Merchant API: audit")
struct AuditRouteTests {
    @Test(
        "registering writes one ORDER_REGISTERED event with the service's request id and the caller's apart",
        arguments: TestDatabase.available)
    func registrationAudited(database: TestDatabase) async throws {
        try await TestApp.run(on: database) { client, _ in
            var headers = HTTPFields.admin()
            headers[HTTPField.Name("X-Request-Id")!] = "req-audit-1"
            let body = ByteBuffer(string: #"{"topupId":"audited-1","userId":"u-1","email":"a@b.dz"}"#)
            let created = try await client.execute(uri: "/v1/orders", method: .post, headers: headers, body: body)
            #expect(created.status == .created)
            let serverID = try #require(created.headers[HTTPField.Name("X-Request-Id")!])
            #expect(
                try await client.execute(uri: "/v1/orders", method: .post, headers: .admin(), body: body).status == .ok)
            let response = try await client.execute(
                uri: "/v1/audit?order=audited-1", method: .get, headers: .admin(json: false))
            #expect(response.status == .ok)
            #expect(response.headers[.cacheControl] == "no-store")
            let json = try #require(response.json)
            let events = try #require(json["events"] as? [[String: Any]])
            #expect(events.count == 1)
            #expect(events.first?["kind"] as? String == "ORDER_REGISTERED")
            // The caller chose "req-audit-1"; the trail records the service's own id and keeps the caller's apart.
            #expect(events.first?["requestId"] as? String == serverID)
            #expect(UUID(uuidString: serverID) != nil)
            #expect((events.first?["details"] as? [String: String])?["client_request_id"] == "req-audit-1")
            #expect(events.first?["sequence"] as? Int == 1)
            #expect((events.first?["details"] as? [String: String])?["channels"] == "email")
            let other = try await client.execute(
                uri: "/v1/audit?order=nothing-here", method: .get, headers: .admin(json: false))
            #expect((other.json?["events"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("the audit route needs the admin token and an order id")
    func refusals() async throws {
        try await TestApp.run { client, _ in
            #expect(try await client.execute(uri: "/v1/audit?order=x", method: .get).status == .unauthorized)
            let missing = try await client.execute(uri: "/v1/audit", method: .get, headers: .admin(json: false))
            #expect(missing.status == .badRequest)
            #expect(try ErrorReply(missing).error == "BAD_REQUEST")
            let bad = try await client.execute(uri: "/v1/audit?order=a%20b", method: .get, headers: .admin(json: false))
            #expect(bad.status == .badRequest)
        }
    }
}
