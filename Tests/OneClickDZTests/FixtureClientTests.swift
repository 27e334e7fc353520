import BitaqaCore
import BitaqaTestSupport
import Foundation
import HTTPTypes
import NIOConcurrencyHelpers
import OneClickDZ
import Orders
import Testing

/// The client against canned responses taken from the reference's JSON examples, and against the
/// faults a real network produces.
@Suite("Client against reference fixtures and faults")
struct FixtureClientTests {
    static let handling =
        #"{"success":true,"data":{"_id":"6901616fe9e88196b4eb64b2","ref":"order-123456","status":"HANDLING","type":"ADSL","number":"036362608","topup_amount":1000,"created_at":"2025-11-01T12:00:00.000Z"}}"#
    static let fulfilled =
        #"{"success":true,"data":{"_id":"6901616fe9e88196b4eb64b2","ref":"internet-order-001","status":"FULFILLED","type":"ADSL","number":"036362608","topup_amount":1000,"card_code":"123456789012","num_trans":"AT-2025-12345","date_traitement":"2025-10-29T01:05:30.000Z","created_at":"2025-10-29T01:00:00.000Z"}}"#

    @Test(
        "the reference's examples decode: HANDLING, FULFILLED, both product shapes, 4GLTE, pagination in data or meta")
    func examples() async throws {
        let server = FixtureServer([
            "GET /internet/check-id/": [FixtureServer.json(Self.handling), FixtureServer.json(Self.fulfilled)],
            "GET /internet/products": [
                FixtureServer.json(
                    #"{"success":true,"data":{"products":[{"value":500,"cost":490,"available":true},{"value":1000,"cost":980,"available":true},{"value":2000,"cost":1960,"available":true}]}}"#
                ),
                FixtureServer.json(
                    #"{"success":true,"data":[{"value":500,"cost":490,"available":true},{"value":1000,"cost":980,"available":false,"extra":"ignored"}],"meta":{"timestamp":"2025-10-29T00:00:00.000Z"},"requestId":"req_1"}"#
                ),
            ],
            "GET /internet/check-number": [
                FixtureServer.json(
                    #"{"success":true,"data":{"ncli":"11034*****","type":"4GLTE"},"meta":{"timestamp":"2025-10-29T00:36:49.847Z"}}"#
                )
            ],
            "GET /internet/list": [
                FixtureServer.json(
                    #"{"success":true,"data":{"items":[\#(Self.fulfilledData)],"pagination":{"page":1,"pageSize":20,"totalPages":10,"totalResults":195}},"meta":{"timestamp":"2025-10-29T00:35:58.852Z"}}"#
                ),
                FixtureServer.json(
                    #"{"success":true,"data":{"items":[]},"meta":{"pagination":{"page":2,"pageSize":20,"totalPages":10,"totalResults":195}}}"#
                ),
            ],
            "POST /internet/send": [
                FixtureServer.json(
                    #"{"success":true,"data":{"topupId":"690161a3e9e88196b4eb6545","topupRef":"API-+213665983439-test-internet-1761698210633"},"meta":{"timestamp":"2025-10-29T00:36:52.065Z"}}"#
                )
            ],
            "GET /validate": [
                FixtureServer.json(
                    #"{"success":true,"data":{"username":"+213665983439","apiKey":{"key":"ea27b376","isEnabled":true,"type":"SANDBOX","allowedips":[],"scope":"READ-WRITE"}}}"#
                )
            ],
            "GET /account/balance": [
                FixtureServer.json(
                    #"{"success":true,"data":{"balance":1326.13},"meta":{"timestamp":"2025-10-29T00:00:00.000Z"}}"#)
            ],
        ])
        let logs = LogCapture()
        try await server.run(logs: logs) { client in
            let handling = try await client.checkID("6901616fe9e88196b4eb64b2")
            #expect(handling.status == .known(.handling) && handling.card == nil && handling.ref == "order-123456")
            let done = try await client.checkID("6901616fe9e88196b4eb64b2")
            #expect(done.card?.code == CardCode("123456789012"))
            #expect(done.card?.transactionNumber == "AT-2025-12345")
            #expect(done.card?.processedDate == "2025-10-29T01:05:30.000Z")
            #expect(try await client.products(.adsl).count == 3)
            let bare = try await client.products(.adsl)
            #expect(
                bare == [
                    Product(value: 500, cost: 490, available: true), Product(value: 1000, cost: 980, available: false),
                ])
            #expect(try await client.checkNumber(.fourG, number: "213665983439").type == .fourG)
            let page = try await client.list()
            #expect(page.totalResults == 195 && page.items.first?.card != nil)
            let metaPage = try await client.list(page: 2)
            #expect(metaPage.page == 2 && metaPage.totalPages == 10)
            let sent = try await client.send(
                SendRequest(type: .fourG, number: "213665983439", value: 1000, ref: "internet-order-001"))
            #expect(sent.topupId == "690161a3e9e88196b4eb6545")
            #expect(try await client.validate().scope == "READ-WRITE")
            #expect(try await client.balance() == 1326.13)
        }
        #expect(!logs.text.contains("123456789012"))
        #expect(!logs.text.contains("fixture-key-CANARY-0002"))
    }

    static let fulfilledData =
        #"{"_id":"a1","ref":"r1","status":"FULFILLED","type":"4GLTE","number":"213665983439","topup_amount":500,"card_code":"555566667777","num_trans":"AT-1","date_traitement":"2025-10-29T01:05:30.000Z"}"#

    @Test("an unknown status is reported as such, not a crash")
    func unknownStatus() async throws {
        let server = FixtureServer([
            "GET /internet/check-id/": [
                FixtureServer.json(#"{"success":true,"data":{"_id":"x","status":"PROCESSING_LATER"}}"#)
            ]
        ])
        try await server.run { client in
            let status = try await client.checkID("x").status
            #expect(status == .unknown("PROCESSING_LATER"))
        }
    }

    @Test(
        "errors map to their classes",
        arguments: [
            (401, #"{"success":false,"error":{"code":"INVALID_ACCESS_TOKEN","message":"bad"}}"#, "authentication"),
            (403, #"{"success":false,"error":{"code":"IP_BLOCKED","message":"ip"}}"#, "forbidden"),
            (404, #"{"success":false,"error":{"code":"NOT_FOUND","message":"no"},"requestId":"req_9"}"#, "notFound"),
            (400, #"{"success":false,"error":{"code":"ERR_VALIDATION","message":"bad"}}"#, "validation"),
            (200, #"{"success":false,"error":{"code":"ERR_STOCK","message":"none"}}"#, "validation"),
            (200, #"{"success": tru"#, "malformed"),
            (200, "<html>", "malformed"),
            (502, "Bad gateway", "server"),
        ])
    func errorClasses(status: Int, body: String, expected: String) async throws {
        let server = FixtureServer([
            "GET /internet/check-id/": [FixtureServer.json(status: HTTPResponse.Status(code: status), body)]
        ])
        try await server.run { client in
            do {
                _ = try await client.checkID("abc")
                Issue.record("no error")
            } catch let error as UpstreamError {
                let kinds: [String: Bool] = [
                    "authentication": error.isAuthentication, "forbidden": error.isForbidden,
                    "notFound": error.isNotFound,
                    "validation": error.isValidation, "malformed": error.isMalformed, "server": error.isServer,
                ]
                #expect(kinds[expected] == true, "\(error)")
                #expect(kinds.values.filter { $0 }.count == 1)
            }
            // Retryable classes were retried up to the policy's 3 attempts; the others tried once.
            let retryable = ["malformed", "server"].contains(expected)
            #expect(server.count("GET /internet/check-id/abc") == (retryable ? 3 : 1))
        }
    }

    @Test("429 honours Retry-After, then succeeds")
    func rateLimited() async throws {
        let server = FixtureServer([
            "GET /internet/check-id/": [
                FixtureServer.json(
                    status: .tooManyRequests,
                    #"{"success":false,"error":{"code":"RATE_LIMITED","message":"slow down"}}"#,
                    headers: [.retryAfter: "2"]),
                FixtureServer.json(Self.handling),
            ]
        ])
        let sleeps = NIOLockedValueBox<[Duration]>([])
        try await server.run(sleeps: sleeps) { client in
            let status = try await client.checkID("abc").status
            #expect(status == .known(.handling))
        }
        #expect(sleeps.withLockedValue { $0 }.count == 1)
        #expect(sleeps.withLockedValue { $0 }.first.map { $0 >= .seconds(2) } == true)
        #expect(server.count("GET /internet/check-id/abc") == 2)
    }

    @Test("backoff grows and stays under its cap")
    func backoff() {
        let policy = RetryPolicy(maxAttempts: 10, baseDelay: .milliseconds(100), maxDelay: .seconds(1))
        for attempt in 1...10 {
            let delay = policy.delay(afterAttempt: attempt, retryAfter: nil)
            #expect(delay >= .zero && delay <= min(.seconds(1), .milliseconds(100) * (1 << (attempt - 1))))
        }
        #expect(policy.delay(afterAttempt: 1, retryAfter: 3) >= .seconds(3))
    }

    @Test(
        "send is never retried blindly: a 503 or a timeout is resolved by check-ref on the same ref",
        arguments: ["503", "timeout"])
    func sendResolvedByRef(fault: String) async throws {
        let unavailable = FixtureServer.json(
            status: .serviceUnavailable, #"{"success":false,"error":{"code":"UNAVAILABLE","message":"x"}}"#)
        let late = FixtureServer.json(#"{"success":true,"data":{"topupId":"late","topupRef":"ref-7"}}"#)
        let slow: FixtureServer.Reply = {
            try await Task.sleep(for: .seconds(2))
            return try await late()
        }
        let failing = fault == "503" ? unavailable : slow
        let server = FixtureServer([
            "POST /internet/send": [failing],
            "GET /internet/check-ref/": [
                FixtureServer.json(#"{"success":true,"data":{"_id":"found-id","ref":"ref-7","status":"HANDLING"}}"#)
            ],
        ])
        try await server.run(requestTimeout: .milliseconds(500)) { client in
            let result = try await client.send(SendRequest(type: .adsl, number: "036362608", value: 1000, ref: "ref-7"))
            #expect(result == SendResult(topupId: "found-id", topupRef: "ref-7"))
        }
        #expect(server.count("POST /internet/send") == 1)
        // The lookup is idempotent, so a slow machine may retry it; the send itself never.
        #expect(server.count("GET /internet/check-ref/ref-7") >= 1)
    }

    @Test("a send the upstream never saw reports the failure and is not re-sent")
    func sendNotFoundByRef() async throws {
        let server = FixtureServer([
            "POST /internet/send": [FixtureServer.json(status: .badGateway, "oops")],
            "GET /internet/check-ref/": [
                FixtureServer.json(status: .notFound, #"{"success":false,"error":{"code":"NOT_FOUND","message":"no"}}"#)
            ],
        ])
        try await server.run { client in
            do {
                _ = try await client.send(SendRequest(type: .adsl, number: "036362608", value: 1000, ref: "ref-8"))
                Issue.record("no error")
            } catch let error as UpstreamError {
                #expect(error.isServer && error.httpStatus == 502)
            }
        }
        #expect(server.count("POST /internet/send") == 1)
    }

    @Test("a request that hangs past the deadline is a timeout; a closed port is a connection failure")
    func transport() async throws {
        let server = FixtureServer([
            "GET /account/balance": [
                {
                    try await Task.sleep(for: .seconds(3))
                    return try await FixtureServer.json(#"{"success":true,"data":{"balance":1}}"#)()
                }
            ]
        ])
        try await server.run(retry: RetryPolicy(maxAttempts: 1), requestTimeout: .milliseconds(300)) { client in
            do {
                _ = try await client.balance()
                Issue.record("no timeout")
            } catch let error as UpstreamError {
                #expect(error.isTimeout && error.isTransport && error.isRetryable)
            }
        }
        let closed = OneClickDZClient(
            configuration: UpstreamConfiguration(
                baseURL: "http://127.0.0.1:1", apiKey: Secret("k"),
                retry: RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(1)), rateLimiter: nil),
            logger: TestDatabase.quietLogger
        )
        do {
            _ = try await closed.balance()
            Issue.record("connected to port 1")
        } catch let error as UpstreamError {
            #expect(error.isTransport && !error.isTimeout)
        }
        await closed.shutdown()
    }
}
