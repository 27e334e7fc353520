import BitaqaCore
import BitaqaTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Messaging
import NIOConcurrencyHelpers
import Testing

/// The SMS channel against a local Twilio-like HTTP server.
@Suite("SMS channel")
struct SMSChannelTests {
    struct Received: Sendable {
        let path: String
        let authorization: String?
        let contentType: String?
        let form: [String: String]
    }

    static func run(
        statuses: [Int], _ body: @Sendable (SMSChannel, NIOLockedValueBox<[Received]>) async throws -> Void
    ) async throws {
        let received = NIOLockedValueBox<[Received]>([])
        let answers = NIOLockedValueBox(statuses)
        let router = Router()
        router.post("2010-04-01/Accounts/{sid}/Messages.json") { request, _ -> Response in
            let buffer = try await request.body.collect(upTo: 64 * 1024)
            let form = Self.parseForm(String(buffer: buffer))
            received.withLockedValue {
                $0.append(
                    Received(
                        path: request.uri.path, authorization: request.headers[.authorization],
                        contentType: request.headers[.contentType], form: form))
            }
            let status = answers.withLockedValue { $0.count > 1 ? $0.removeFirst() : $0[0] }
            let json =
                status < 300
                ? #"{"sid":"SM\#(received.withLockedValue { $0.count })","status":"queued"}"#
                : #"{"code":21211,"message":"Invalid 'To' Phone Number"}"#
            return Response(
                status: .init(code: status), headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: json)))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let channel = SMSChannel(
                baseURL: "http://127.0.0.1:\(client.port!)", accountSID: "AC123", authToken: Secret("sms-token-CANARY"),
                sender: "Bitaqa")
            do {
                try await body(channel, received)
                await channel.shutdown()
            } catch {
                await channel.shutdown()
                throw error
            }
        }
    }

    static func parseForm(_ text: String) -> [String: String] {
        var form: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            if parts.count == 2 { form[parts[0]] = parts[1] }
        }
        return form
    }

    static func message(_ locale: CustomerLocale) throws -> OutgoingMessage {
        try MessageComposer.card(
            CardDetails(
                topupId: TopupID("t-9")!, code: CardCode("123456789012"), transactionNumber: "AT-1", processedDate: nil,
                type: .adsl,
                number: "036362608", value: 500, locale: locale
            ),
            channel: .sms, recipient: "+213551234567"
        )
    }

    @Test("posts the form with Basic auth and keeps the returned sid", arguments: CustomerLocale.allCases)
    func delivered(locale: CustomerLocale) async throws {
        try await Self.run(statuses: [201]) { channel, received in
            let message = try Self.message(locale)
            let sid = try await channel.send(message)
            #expect(sid == "SM1")
            let request = try #require(received.withLockedValue { $0.first })
            #expect(request.path == "/2010-04-01/Accounts/AC123/Messages.json")
            #expect(request.authorization == "Basic " + Data("AC123:sms-token-CANARY".utf8).base64EncodedString())
            #expect(request.contentType == "application/x-www-form-urlencoded")
            #expect(request.form["To"] == "+213551234567")
            #expect(request.form["From"] == "Bitaqa")
            #expect(request.form["Body"] == message.text)
        }
    }

    @Test("429 and 5xx are temporary, other 4xx permanent; a retry after 429 succeeds")
    func outcomes() async throws {
        try await Self.run(statuses: [429, 503, 400, 201]) { channel, _ in
            for expectedPermanent in [false, false, true] {
                do {
                    _ = try await channel.send(Self.message(.fr))
                    Issue.record("accepted")
                } catch let error as DeliveryFailure {
                    #expect(error.isPermanent == expectedPermanent)
                    #expect(!error.reason.contains("sms-token-CANARY") && !error.reason.contains("123456789012"))
                }
            }
            #expect(try await channel.send(Self.message(.fr)) == "SM4")
        }
    }

    @Test("no answer is temporary")
    func unreachable() async throws {
        let channel = SMSChannel(
            baseURL: "http://127.0.0.1:1", accountSID: "AC1", authToken: Secret("t"), sender: "B",
            http: SMSChannel.makeHTTPClient(), timeout: .seconds(2))
        let message = try Self.message(.en)
        do {
            _ = try await channel.send(message)
            Issue.record("accepted")
        } catch {
            #expect(!error.isPermanent)
        }
        await channel.shutdown()
    }
}
