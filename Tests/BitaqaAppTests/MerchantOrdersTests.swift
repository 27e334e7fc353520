import BitaqaTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Merchant API: registering orders")
struct MerchantOrdersTests {
    static let body =
        #"{"topupId":"6740a1b2","userId":"user-9","email":"buyer@shop.dz","phone":"0551234567","locale":"ar"}"#

    @Test("register, replay, conflict and read back", arguments: TestDatabase.available)
    func lifecycle(database: TestDatabase) async throws {
        try await TestApp.run(on: database) { client, _ in
            let created = try await client.execute(
                uri: "/v1/orders", method: .post, headers: .admin(), body: ByteBuffer(string: Self.body))
            #expect(created.status == .created)
            let order = try #require(created.json)
            #expect(order["topupId"] as? String == "6740a1b2")
            #expect(order["status"] as? String == "HANDLING")
            #expect(order["channels"] as? [String] == ["email", "sms"])
            #expect(order["transactionNumber"] is NSNull)
            #expect(order.keys.contains("cardCode") == false)
            #expect(
                Set(order.keys).isSuperset(of: [
                    "topupId", "topupRef", "userId", "type", "number", "value", "status", "transactionNumber",
                    "processedDate", "createdAt", "deliveries",
                ]))

            // The same request in another spelling of the phone number is the same order.
            let replay = Self.body.replacingOccurrences(of: "0551234567", with: "+213551234567")
            let again = try await client.execute(
                uri: "/v1/orders", method: .post, headers: .admin(), body: ByteBuffer(string: replay))
            #expect(again.status == .ok)
            #expect(again.json?["createdAt"] as? String == order["createdAt"] as? String)

            let different = Self.body.replacingOccurrences(of: "\"ar\"", with: "\"fr\"")
            let conflict = try await client.execute(
                uri: "/v1/orders", method: .post, headers: .admin(), body: ByteBuffer(string: different))
            #expect(conflict.status == .conflict)
            #expect(try ErrorReply(conflict).error == "CONFLICT")

            let read = try await client.execute(uri: "/v1/orders/6740a1b2", method: .get, headers: .admin(json: false))
            #expect(read.status == .ok)
            #expect(read.json?["userId"] as? String == "user-9")

            let missing = try await client.execute(
                uri: "/v1/orders/unknown", method: .get, headers: .admin(json: false))
            #expect(missing.status == .notFound)
            #expect(try ErrorReply(missing).error == "ORDER_NOT_FOUND")
        }
    }

    @Test(
        "PATCH corrects a contact: validated like registration, audited masked, 404 for no order",
        arguments: TestDatabase.available)
    func correctContact(database: TestDatabase) async throws {
        try await TestApp.run(on: database) { client, _ in
            #expect(
                try await client.execute(
                    uri: "/v1/orders", method: .post, headers: .admin(), body: ByteBuffer(string: Self.body)
                )
                .status == .created)
            let patched = try await client.execute(
                uri: "/v1/orders/6740a1b2", method: .patch, headers: .admin(),
                body: ByteBuffer(string: #"{"phone":"0661112233"}"#))
            #expect(patched.status == .ok)
            #expect(patched.json?["topupId"] as? String == "6740a1b2")
            for bad in [#"{}"#, #"{"phone":"+33612345678"}"#, #"{"email":"a;b@shop.dz"}"#, #"{"userId":"x"}"#] {
                let refused = try await client.execute(
                    uri: "/v1/orders/6740a1b2", method: .patch, headers: .admin(), body: ByteBuffer(string: bad))
                #expect(refused.status == .badRequest, "\(bad)")
            }
            let missing = try await client.execute(
                uri: "/v1/orders/nope", method: .patch, headers: .admin(),
                body: ByteBuffer(string: #"{"phone":"0661112233"}"#))
            #expect(missing.status == .notFound)
            let audit = try await client.execute(
                uri: "/v1/audit?order=6740a1b2", method: .get, headers: .admin(json: false))
            let events = audit.json?["events"] as? [[String: Any]] ?? []
            let change = try #require(events.first { $0["kind"] as? String == "CONTACT_CHANGED" })
            let details = change["details"] as? [String: String] ?? [:]
            #expect(details["phone_from"] == "+21355*****67" && details["phone_to"] == "+21366*****33")
            #expect(!String(buffer: audit.body).contains("661112233"), "a contact in clear in the trail")
        }
    }

    @Test(
        "the merchant API refuses missing and wrong tokens",
        arguments: [
            nil, "Bearer wrong-token-000000000000", "Basic dGVzdA==", "Bearer", "Bearer \(TestApp.adminToken)x",
        ] as [String?])
    func authentication(header: String?) async throws {
        try await TestApp.run { client, _ in
            var headers: HTTPFields = [.contentType: "application/json"]
            if let header { headers[.authorization] = header }
            let response = try await client.execute(
                uri: "/v1/orders", method: .post, headers: headers, body: ByteBuffer(string: Self.body))
            #expect(response.status == .unauthorized)
            let reply = try ErrorReply(response)
            #expect(
                reply == ErrorReply(success: false, error: "UNAUTHORIZED", message: "missing or invalid credentials"))
        }
    }

    @Test(
        "malformed bodies are 400 BAD_REQUEST naming the problem",
        arguments: [
            ("{\"topupId\":", "not valid JSON"),
            ("[]", "must be"),
            ("{\"userId\":\"u\"}", "topupId is required"),
            ("{\"topupId\":\"t\",\"userId\":7}", "userId must be a string"),
            ("{\"topupId\":\"a b\",\"userId\":\"u\"}", "topupId"),
            ("{\"topupId\":\"t\",\"userId\":\"u\",\"email\":\"nope\"}", "email"),
            ("{\"topupId\":\"t\",\"userId\":\"u\",\"phone\":\"+33612345678\"}", "phone"),
            ("{\"topupId\":\"t\",\"userId\":\"u\",\"locale\":\"de\"}", "locale"),
            ("{\"topupId\":\"t\",\"userId\":\"u\",\"channels\":[\"fax\"]}", "channels"),
            ("{\"topupId\":\"t\",\"userId\":\"u\",\"channels\":[\"email\"]}", "needs an email"),
            // The same field twice: one reading checks the first, the other acts on the last.
            ("{\"topupId\":\"t\",\"userId\":\"u\",\"topupRef\":\"a\\u0001b\",\"topupRef\":\"ok\"}", "same field twice"),
            ("{\"topupId\":\"t\",\"userId\":\"u\",\"user\\u0049d\":\"v\"}", "same field twice"),
            ("{\"topupId\":\"t\",\"userId\":\"u\",\"channels\":[{\"a\":1,\"a\":2}]}", "same field twice"),
            // Addresses the mailer would refuse are refused here, before an order is paid for.
            ("{\"topupId\":\"t\",\"userId\":\"u\",\"email\":\"a;b@shop.dz\"}", "email"),
            ("{\"topupId\":\"t\",\"userId\":\"u\",\"email\":\"\\\"a\\\"@shop.dz\"}", "email"),
            ("{\"topupId\":\"t\",\"userId\":\"u\",\"email\":\"ab\u{202E}@shop.dz\"}", "email"),
            ("{\"topupId\":\"t\",\"userId\":\"u\",\"email\":\"a(b)@shop.dz\"}", "email"),
        ])
    func badBodies(body: String, fragment: String) async throws {
        try await TestApp.run { client, _ in
            let response = try await client.execute(
                uri: "/v1/orders", method: .post, headers: .admin(), body: ByteBuffer(string: body))
            #expect(response.status == .badRequest)
            let reply = try ErrorReply(response)
            #expect(reply.error == "BAD_REQUEST")
            #expect(reply.message.contains(fragment), "message was: \(reply.message)")
        }
    }

    @Test("a wrong content type is 400, an oversized body 413, an unknown route 404, all in the error shape")
    func edges() async throws {
        try await TestApp.run { client, _ in
            let form = try await client.execute(
                uri: "/v1/orders", method: .post, headers: .admin(json: false).merging([.contentType: "text/plain"]),
                body: ByteBuffer(string: Self.body)
            )
            #expect(form.status == .badRequest)
            #expect(try ErrorReply(form).error == "BAD_REQUEST")
            let huge = "{\"topupId\":\"" + String(repeating: "x", count: 200_000) + "\"}"
            let large = try await client.execute(
                uri: "/v1/orders", method: .post, headers: .admin(), body: ByteBuffer(string: huge))
            #expect(large.status == .contentTooLarge)
            #expect(try ErrorReply(large).error == "PAYLOAD_TOO_LARGE")
            for hostile in [
                #"{"topupId":"t-1","userId":"u-1","emial":"typo@shop.dz"}"#,
                #"{"topupId":"t-1","userId":"u-1","topupRef":"a\u0000b"}"#,
                #"{"topupId":"t\u0007","userId":"u-1"}"#,
                String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000),
            ] {
                let refused = try await client.execute(
                    uri: "/v1/orders", method: .post, headers: .admin(), body: ByteBuffer(string: hostile))
                #expect(refused.status == .badRequest, "\(hostile.prefix(60))")
                #expect(try ErrorReply(refused).error == "BAD_REQUEST")
            }
            let resendTypo = try await client.execute(
                uri: "/v1/orders/t-1/resend", method: .post, headers: .admin(),
                body: ByteBuffer(string: #"{"channel":"sms","x":1}"#)
            )
            #expect(resendTypo.status == .badRequest)
            let unknown = try await client.execute(uri: "/v2/nothing", method: .get)
            #expect(unknown.status == .notFound)
            #expect(try ErrorReply(unknown).error == "NOT_FOUND")
        }
    }
}

extension HTTPFields {
    func merging(_ other: HTTPFields) -> HTTPFields {
        var copy = self
        for field in other { copy[field.name] = field.value }
        return copy
    }
}
