import AsyncHTTPClient
import BitaqaCore
import Foundation
import Hummingbird
import Logging
import OneClickDZ
import OneClickDZSandbox
import Orders
import ServiceLifecycle

/// The upstream as `serve` uses it: the real API, or in development without a key, an in-process
/// sandbox on a free loopback port.
public struct Upstream: Sendable {
    public let client: any InternetUpstream & AccountUpstream & GiftCardUpstream
    /// `production host` or `in-process sandbox at …`, for the startup summary.
    public let mode: String
    /// Services to run alongside the server: the sandbox when there is one.
    let services: [any Service]

    /// Builds the client and registers its shutdown with `resources`; the in-process sandbox's key is
    /// registered with `scrubber`.
    public static func make(
        _ configuration: BitaqaConfiguration, worker: String, sandboxIfNoKey: Bool, resources: Resources,
        scrubber: SecretScrubber, logger: Logger, requestTimeout: Duration? = nil, retry: RetryPolicy? = nil
    ) throws -> Upstream {
        let settings = configuration.upstream
        // One bucket for every call of this process: checks, sends, products, and their retries.
        let limiter = UpstreamRateLimiter(perSecond: configuration.pipeline.upstreamRateLimit)
        func makeClient(baseURL: String, key: Secret, secondary: Secret?) -> OneClickDZClient {
            var client = UpstreamConfiguration(
                baseURL: baseURL, apiKey: key, secondaryKey: secondary,
                connectTimeout: settings.connectTimeout,
                requestTimeout: requestTimeout ?? settings.requestTimeout,
                userAgent: "bitaqa/\(BitaqaVersion.current) (\(worker))", rateLimiter: limiter
            )
            if let retry { client.retry = retry }
            let http = OneClickDZClient.makeHTTPClient(client)
            resources.own("upstream client") { try? await http.shutdown() }
            return OneClickDZClient(
                configuration: client, http: http, logger: logger, sleep: OneClickDZClient.taskSleep)
        }
        if let key = settings.apiKey {
            let client = makeClient(baseURL: settings.baseURL, key: key, secondary: settings.secondaryKey)
            return Upstream(client: client, mode: settings.baseURL, services: [])
        }
        guard sandboxIfNoKey else {
            return Upstream(client: UnconfiguredUpstream(), mode: "none (no ONECLICKDZ_API_KEY)", services: [])
        }
        let port = try LoopbackPort.free()
        let sandboxKey = "sandbox-" + UUID().uuidString.lowercased()
        var sandboxSettings = settings.sandbox
        sandboxSettings.requiredKey = sandboxKey
        scrubber.register(sandboxKey)
        let sandbox = SandboxServer(settings: sandboxSettings)
        var sandboxLogger = logger
        sandboxLogger[metadataKey: "component"] = "sandbox"
        let app = sandbox.application(host: "127.0.0.1", port: port, logger: sandboxLogger)
        let client = makeClient(baseURL: "http://127.0.0.1:\(port)", key: Secret(sandboxKey), secondary: nil)
        logger.warning(
            "⚠️  NO ONECLICKDZ_API_KEY: running the OneClickDz SANDBOX in-process; no real card will be bought",
            metadata: ["sandbox": "http://127.0.0.1:\(port)/v3"]
        )
        return Upstream(client: client, mode: "in-process sandbox at http://127.0.0.1:\(port)", services: [app])
    }
}

/// The upstream of a command run without `ONECLICKDZ_API_KEY`: every call fails as unauthenticated,
/// so nothing is bought and nothing pretends to be checked.
struct UnconfiguredUpstream: InternetUpstream, AccountUpstream, GiftCardUpstream {
    private var refusal: UpstreamError { UpstreamError(.authentication, message: "no ONECLICKDZ_API_KEY") }
    func products(_ type: CardType) async throws(UpstreamError) -> [Product] { throw refusal }
    func checkNumber(_ type: CardType, number: String) async throws(UpstreamError) -> NumberCheck { throw refusal }
    func send(_ request: SendRequest) async throws(UpstreamError) -> SendResult { throw refusal }
    func checkID(_ topupId: String) async throws(UpstreamError) -> TopupStatus { throw refusal }
    func checkRef(_ ref: String) async throws(UpstreamError) -> TopupStatus { throw refusal }
    func list(from: Int64?, to: Int64?, page: Int, pageSize: Int) async throws(UpstreamError) -> TopupPage {
        throw refusal
    }
    func validate() async throws(UpstreamError) -> KeyInfo { throw refusal }
    func balance() async throws(UpstreamError) -> Double { throw refusal }
    func catalog() async throws(UpstreamError) -> GiftCardCatalog { throw refusal }
    func product(_ productId: String) async throws(UpstreamError) -> GiftCardProduct { throw refusal }
    func placeOrder(productId: String, typeId: String, quantity: Int) async throws(UpstreamError) -> String {
        throw refusal
    }
    func checkOrder(_ orderId: String) async throws(UpstreamError) -> GiftCardOrderState { throw refusal }
    func list(from: Int64?, to: Int64?, page: Int, pageSize: Int) async throws(UpstreamError) -> GiftCardOrderPage {
        throw refusal
    }
}

/// A free TCP port on 127.0.0.1 (free when asked; the sandbox binds it right after).
enum LoopbackPort {
    static func free() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else { throw ConfigurationError("BITAQA_HTTP_HOST", "no free loopback port for the sandbox") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
