import Hummingbird
import Logging
import OneClickDZ
import OneClickDZSandbox

/// `bitaqa sandbox`: the OneClickDz sandbox on its own, until SIGTERM or SIGINT.
public enum SandboxTask {
    public static func run(_ configuration: BitaqaConfiguration, host: String, port: Int, logger: Logger) async throws {
        let sandbox = SandboxServer(settings: configuration.upstream.sandbox)
        logger.info(
            "OneClickDz sandbox",
            metadata: [
                "url": "http://\(host):\(port)/v3",
                "keys": "\(configuration.upstream.apiKey == nil ? "any non-empty key" : "ONECLICKDZ_API_KEY only")",
            ]
        )
        try await sandbox.application(host: host, port: port, logger: logger).runService()
    }
}
