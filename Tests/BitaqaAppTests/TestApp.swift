import Audit
import BitaqaApp
import BitaqaCore
import BitaqaTestSupport
import Configuration
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Orders
import Storage

/// Builds the real application on a fresh database of the given kind with the given settings.
enum TestApp {
    static let adminToken = "test-admin-token-0123456789"

    static func run<T: Sendable>(
        on database: TestDatabase = .sqlite,
        settings: [String: String] = [:],
        logs: LogCapture? = nil,
        seed: (@Sendable (Store) async throws -> Void)? = nil,
        _ body: @Sendable (any TestClientProtocol, TemporaryDirectory) async throws -> T
    ) async throws -> T {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (location, drop) = try await database.makeLocation(in: directory)
        var environment = [
            "BITAQA_DATA_DIR": directory.path,
            "BITAQA_DATABASE_URL": TestDatabase.url(of: location),
            "BITAQA_ADMIN_TOKEN": adminToken,
            "ENCRYPTION_KEY": String(repeating: "1f", count: 32),
            "BITAQA_HTTP_PORT": "0",
            "BITAQA_LOG_LEVEL": logs == nil ? "critical" : "trace",
        ]
        environment.merge(settings) { _, new in new }
        let reader = ConfigReader(
            provider: EnvironmentVariablesProvider(environmentVariables: environment.filter { !$0.value.isEmpty }))
        let logger = logs?.logger() ?? TestDatabase.quietLogger
        do {
            let app = try await buildApplication(
                reader: reader, logger: logger, scrubber: SecretScrubber(), metrics: MetricsRegistry())
            if let seed {
                let store = try await Store.open(location, logger: TestDatabase.quietLogger)
                do {
                    try await seed(store)
                } catch {
                    await store.shutdown()
                    throw error
                }
                await store.shutdown()
            }
            let result = try await app.test(.router) { client in try await body(client, directory) }
            await drop()
            return result
        } catch {
            await drop()
            throw error
        }
    }
}

extension TestApp {
    /// Every event of the trail of the SQLite database `run` made in `directory`, oldest first.
    static func auditEvents(in directory: TemporaryDirectory) async throws -> [AuditRecord] {
        let store = try await Store.open(
            .sqlite(path: directory.path + "/test.sqlite"), logger: TestDatabase.quietLogger)
        do {
            let events = try await AuditTrail(store: store, keys: nil).events(after: 0, limit: 10_000)
            await store.shutdown()
            return events
        } catch {
            await store.shutdown()
            throw error
        }
    }
}

extension HTTPFields {
    static func admin(json: Bool = true) -> HTTPFields {
        var fields: HTTPFields = [.authorization: "Bearer \(TestApp.adminToken)"]
        if json { fields[.contentType] = "application/json" }
        return fields
    }
}

/// The decoded error shape of the API.
struct ErrorReply: Decodable, Equatable {
    let success: Bool
    let error: String
    let message: String

    init(success: Bool, error: String, message: String) {
        self.success = success
        self.error = error
        self.message = message
    }

    init(_ response: TestResponse) throws {
        self = try JSONDecoder().decode(ErrorReply.self, from: Data(response.body.readableBytesView))
    }
}

extension TestResponse {
    var json: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any]
    }
}
