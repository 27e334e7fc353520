import BitaqaCore
import BitaqaTestSupport
import HummingbirdTesting
import OneClickDZ
import OneClickDZSandbox
import Orders

/// The application against a sandbox of its own on loopback, whose requests the test can count.
enum CountedSandbox {
    static func run(
        on database: TestDatabase = .sqlite, _ settings: SandboxSettings, app appSettings: [String: String],
        _ body: @Sendable (SandboxServer, any TestClientProtocol, TemporaryDirectory) async throws -> Void
    ) async throws {
        let sandbox = SandboxServer(settings: settings)
        try await sandbox.application(host: "127.0.0.1", port: 0, logger: TestDatabase.quietLogger).test(.live) {
            upstream in
            let settings = CustomerAPITests.settings.merging([
                "ONECLICKDZ_API_KEY": "sandbox-key-on-demand",
                "ONECLICKDZ_BASE_URL": "http://127.0.0.1:\(upstream.port!)",
                "BITAQA_RATE_LIMIT_ADDRESS": "0", "BITAQA_RATE_LIMIT_REVEALS": "0",
            ]) { $1 }.merging(appSettings) { $1 }
            try await TestApp.run(on: database, settings: settings) { client, directory in
                try await body(sandbox, client, directory)
            }
        }
    }
}
