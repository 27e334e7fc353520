import AsyncHTTPClient
import BitaqaCore
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import Orders

/// The typed OneClickDz Flexy API v3 client for internet top-ups.
///
/// Every call sends `X-Access-Token`; idempotent calls are retried with capped, jittered backoff on
/// retryable failures (``UpstreamError/isRetryable``); `send` is never retried blindly: when its
/// outcome is unknown it is looked up with `check-ref` on its `ref`. Response bodies are never logged,
/// nor is the key.
public final class OneClickDZClient: InternetUpstream, AccountUpstream {
    let configuration: UpstreamConfiguration
    package let http: HTTPClient
    let logger: Logger
    let sleep: @Sendable (Duration) async throws -> Void
    /// Which key to try first: flips to the secondary when it worked and the primary did not.
    let useSecondaryFirst = NIOLockedValueBox(false)

    /// - Parameters:
    ///   - http: the HTTP client to call through; its owner shuts it down (the client never does).
    ///   - sleep: how to wait between retries; ``taskSleep`` in production, a recorder in tests.
    public init(
        configuration: UpstreamConfiguration, http: HTTPClient, logger: Logger,
        sleep: @escaping @Sendable (Duration) async throws -> Void
    ) {
        self.configuration = configuration
        self.http = http
        self.logger = logger
        self.sleep = sleep
    }

    /// Waiting by the clock.
    public static let taskSleep: @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }

    /// An HTTP client set up as the upstream needs it: no redirects, the configured connect timeout.
    public static func makeHTTPClient(_ configuration: UpstreamConfiguration) -> HTTPClient {
        HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: HTTPClient.Configuration(
                redirectConfiguration: .disallow, timeout: .init(connect: configuration.connectTimeout.timeAmount)))
    }

    // MARK: - Endpoints

    /// `GET /v3/validate`.
    public func validate() async throws(UpstreamError) -> KeyInfo {
        let envelope = try await call(.GET, "/validate", idempotent: true)
        let data = envelope.data as? [String: Any]
        let key = data?["apiKey"] as? [String: Any]
        return KeyInfo(
            type: Envelope.string(key?["type"]), scope: Envelope.string(key?["scope"]),
            isEnabled: Envelope.bool(key?["isEnabled"]), username: Envelope.string(data?["username"])
        )
    }

    /// `GET /v3/account/balance`, in DZD.
    public func balance() async throws(UpstreamError) -> Double {
        let envelope = try await call(.GET, "/account/balance", idempotent: true)
        guard let balance = Envelope.double((envelope.data as? [String: Any])?["balance"]) else {
            throw UpstreamError(.malformed, requestID: envelope.requestID)
        }
        return balance
    }

    /// `GET /v3/internet/products?type=…`; accepts `data.products` or a bare array.
    public func products(_ type: CardType) async throws(UpstreamError) -> [Product] {
        let envelope = try await call(.GET, "/internet/products", query: ["type": type.rawValue], idempotent: true)
        guard let products = Envelope.products(envelope.data) else {
            throw UpstreamError(.malformed, requestID: envelope.requestID)
        }
        return products
    }

    /// `GET /v3/internet/check-number`; a number in the wrong format fails here without a request.
    public func checkNumber(_ type: CardType, number: String) async throws(UpstreamError) -> NumberCheck {
        guard NumberFormat.isValid(number, for: type) else { throw UpstreamError(.invalidNumber, code: "ERR_PHONE") }
        let envelope = try await call(
            .GET, "/internet/check-number", query: ["type": type.rawValue, "number": number], idempotent: true
        )
        let data = envelope.data as? [String: Any]
        return NumberCheck(
            ncli: Envelope.string(data?["ncli"]), offer: Envelope.string(data?["offre"]),
            type: Envelope.string(data?["type"]).flatMap(CardType.init(upstream:))
        )
    }

    /// `POST /v3/internet/send`. Never retried blindly: a failure that may hide a success (timeout,
    /// lost connection, 5xx, garbled answer) is resolved with `check-ref` on the same `ref`.
    public func send(_ request: SendRequest) async throws(UpstreamError) -> SendResult {
        guard NumberFormat.isValid(request.number, for: request.type) else {
            throw UpstreamError(.invalidNumber, code: "ERR_PHONE")
        }
        let ref = request.ref ?? "bitaqa-" + UUID().uuidString.lowercased()
        let body: [String: Any] = [
            "type": request.type.rawValue, "number": request.number, "value": request.value, "ref": ref,
        ]
        do throws(UpstreamError) {
            let envelope = try await call(.POST, "/internet/send", body: body, idempotent: false)
            let data = envelope.data as? [String: Any]
            guard let topupId = Envelope.string(data?["topupId"]) else {
                throw UpstreamError(.malformed, requestID: envelope.requestID)
            }
            return SendResult(topupId: topupId, topupRef: Envelope.string(data?["topupRef"]) ?? ref)
        } catch let error where error.sendOutcomeUnknown {
            logger.warning(
                "send outcome unknown, looking it up by ref", metadata: ["ref": "\(ref)", "error": "\(error)"])
            do throws(UpstreamError) {
                let status = try await checkRef(ref)
                guard let topupId = status.topupId else { throw error }
                return SendResult(topupId: topupId, topupRef: status.ref ?? ref)
            } catch let lookup where lookup.isNotFound {
                // The upstream never saw it: the send did not happen, and the same ref may be sent again.
                throw error
            }
        }
    }

    /// `GET /v3/internet/check-id/{id}`.
    public func checkID(_ topupId: String) async throws(UpstreamError) -> TopupStatus {
        try await status(path: "/internet/check-id/" + Self.pathSegment(topupId))
    }

    /// `GET /v3/internet/check-ref/{ref}`.
    public func checkRef(_ ref: String) async throws(UpstreamError) -> TopupStatus {
        try await status(path: "/internet/check-ref/" + Self.pathSegment(ref))
    }

    /// `GET /v3/internet/list?from=&to=&page=&pageSize=`; pagination read from `data` or `meta`. `from`
    /// and `to` (milliseconds since 1970) bound the top-ups' creation time and are sent as ISO 8601.
    public func list(from: Int64? = nil, to: Int64? = nil, page: Int = 1, pageSize: Int = 20)
        async throws(UpstreamError) -> TopupPage
    {
        var query = ["page": String(max(1, page)), "pageSize": String(min(100, max(1, pageSize)))]
        if let from { query["from"] = Timestamp.iso8601(from) }
        if let to { query["to"] = Timestamp.iso8601(to) }
        let envelope = try await call(.GET, "/internet/list", query: query, idempotent: true)
        guard let result = Envelope.page(envelope.data, meta: envelope.meta) else {
            throw UpstreamError(.malformed, requestID: envelope.requestID)
        }
        return result
    }

    private func status(path: String) async throws(UpstreamError) -> TopupStatus {
        let envelope = try await call(.GET, path, idempotent: true)
        guard let status = Envelope.topup(envelope.data) else {
            throw UpstreamError(.malformed, requestID: envelope.requestID)
        }
        return status
    }

    static func pathSegment(_ raw: String) -> String {
        raw.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~")))
            ?? raw
    }
}

extension Duration {
    /// The same span as NIO's `TimeAmount`.
    public var timeAmount: TimeAmount {
        .nanoseconds(Int64(self / .nanoseconds(1)))
    }
}
