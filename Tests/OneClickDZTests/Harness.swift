import BitaqaCore
import BitaqaTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOConcurrencyHelpers
import NIOCore
import OneClickDZ
import OneClickDZSandbox
import Orders

/// Runs `body` with a live sandbox on a free loopback port and a client pointed at it.
func withSandbox<T: Sendable>(
    _ settings: SandboxSettings = .fast(),
    key: String = "sandbox-key-CANARY-0001",
    secondaryKey: String? = nil,
    logs: LogCapture = LogCapture(),
    retry: RetryPolicy = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(1), maxDelay: .milliseconds(5)),
    _ body: @Sendable (OneClickDZClient, SandboxServer) async throws -> T
) async throws -> T {
    let sandbox = SandboxServer(settings: settings)
    let app = sandbox.application(host: "127.0.0.1", port: 0, logger: TestDatabase.quietLogger)
    return try await app.test(.live) { client in
        let upstream = OneClickDZClient(
            configuration: UpstreamConfiguration(
                baseURL: "http://127.0.0.1:\(client.port!)", apiKey: Secret(key),
                secondaryKey: secondaryKey.map(Secret.init),
                connectTimeout: .seconds(2), requestTimeout: .seconds(5), retry: retry,
                rateLimiter: nil
            ),
            logger: logs.logger()
        )
        do {
            let result = try await body(upstream, sandbox)
            await upstream.shutdown()
            try await expectNoLeak(
                logs, codes: await sandbox.issuedCardCodes(), keys: [key] + (secondaryKey.map { [$0] } ?? []))
            return result
        } catch {
            await upstream.shutdown()
            throw error
        }
    }
}

/// Every test of this target ends here: no card code and no API key in anything the client logged.
func expectNoLeak(_ logs: LogCapture, codes: [String], keys: [String]) async throws {
    let hits = CanarySearch(
        Dictionary(
            uniqueKeysWithValues: (codes.enumerated().map { ("card \($0.offset)", $0.element) })
                + keys.enumerated().map { ("key \($0.offset)", $0.element) })
    )
    .hits(in: ["client log": Array(logs.text.utf8)])
    if !hits.isEmpty { throw LeakFound(hits: hits) }
}

struct LeakFound: Error, CustomStringConvertible {
    let hits: [String]
    var description: String { "leaked: " + hits.joined(separator: "; ") }
}

/// A server that answers each route with canned responses in turn, and records what it received.
final class FixtureServer: Sendable {
    struct Received: Sendable {
        let method: String
        let path: String
        let key: String?
    }

    typealias Reply = @Sendable () async throws -> Response
    private let replies: NIOLockedValueBox<[String: [Reply]]>
    let received = NIOLockedValueBox<[Received]>([])

    /// - Parameter replies: per `"METHOD /path"` (path without `/v3`, query ignored), the answers in
    ///   order; the last one repeats.
    init(_ replies: [String: [Reply]]) {
        self.replies = NIOLockedValueBox(replies)
    }

    func count(_ route: String) -> Int {
        received.withLockedValue { $0.filter { "\($0.method) \($0.path)" == route }.count }
    }

    func run<T: Sendable>(
        retry: RetryPolicy = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(1), maxDelay: .milliseconds(5)),
        requestTimeout: Duration = .seconds(3),
        secondaryKey: String? = nil,
        logs: LogCapture = LogCapture(),
        sleeps: NIOLockedValueBox<[Duration]> = NIOLockedValueBox([]),
        _ body: @Sendable (OneClickDZClient) async throws -> T
    ) async throws -> T {
        let router = Router()
        router.get("**", use: answer)
        router.post("**", use: answer)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            logger: TestDatabase.quietLogger)
        return try await app.test(.live) { client in
            let upstream = OneClickDZClient(
                configuration: UpstreamConfiguration(
                    baseURL: "http://127.0.0.1:\(client.port!)/", apiKey: Secret("fixture-key-CANARY-0002"),
                    secondaryKey: secondaryKey.map(Secret.init), connectTimeout: .seconds(2),
                    requestTimeout: requestTimeout,
                    retry: retry, rateLimiter: nil
                ),
                logger: logs.logger(),
                sleep: { duration in sleeps.withLockedValue { $0.append(duration) } }
            )
            do {
                let result = try await body(upstream)
                await upstream.shutdown()
                try await expectNoLeak(
                    logs, codes: ["123456789012", "555566667777"], keys: ["fixture-key-CANARY-0002"])
                return result
            } catch {
                await upstream.shutdown()
                throw error
            }
        }
    }

    @Sendable func answer(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let path = String(request.uri.path.dropFirst(3))
        let route = "\(request.method.rawValue) \(path)"
        received.withLockedValue {
            $0.append(
                Received(
                    method: request.method.rawValue, path: path, key: request.headers[HTTPField.Name("X-Access-Token")!]
                ))
        }
        let reply: Reply? = replies.withLockedValue { table in
            let key = table.keys.first { route == $0 || (route.hasPrefix($0) && $0.hasSuffix("/")) }
            guard let key, var list = table[key], !list.isEmpty else { return nil }
            let first = list[0]
            if list.count > 1 { list.removeFirst() }
            table[key] = list
            return first
        }
        guard let reply else { return Response(status: .notFound) }
        return try await reply()
    }

    static func json(status: HTTPResponse.Status = .ok, _ text: String, headers: HTTPFields = [:]) -> Reply {
        {
            var fields: HTTPFields = [.contentType: "application/json"]
            for field in headers { fields[field.name] = field.value }
            return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: text)))
        }
    }
}
