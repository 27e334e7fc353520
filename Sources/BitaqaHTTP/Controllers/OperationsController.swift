import BitaqaCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import Orders

/// `GET /health`, `GET /ready`, `GET /metrics` and `GET /openapi.yaml`.
struct OperationsController {
    let database: any DatabaseProbe
    /// `/metrics` asks for the admin token, with the merchant API's lockout of failed attempts.
    let adminAuth: AdminAuthMiddleware
    let renderMetrics: @Sendable () -> [UInt8]

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("health") { _, _ in
            try ResponseJSON.response(["status": "ok"])
        }
        router.get("ready") { _, context in
            do {
                try await database.ping()
                return try ResponseJSON.response(["status": "ready", "database": database.kindName])
            } catch {
                context.logger.warning(
                    "readiness check failed: the database does not answer",
                    metadata: ["error.type": "\(type(of: error))"])
                throw PublicError(.serviceUnavailable, "the database does not answer")
            }
        }
        router.get("openapi.yaml") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.bytes))
            )
        }
        router.group("metrics").add(middleware: adminAuth).get { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: renderMetrics()))
            )
        }
    }
}

/// The OpenAPI document of the repository's `openapi.yaml`, embedded at build time (EmbedOpenAPI plugin).
enum OpenAPIDocument {
    static let bytes: [UInt8] = Array(Data(base64Encoded: openAPIDocumentBase64) ?? Data())
}
