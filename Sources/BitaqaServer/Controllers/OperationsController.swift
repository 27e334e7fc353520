import BitaqaCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import Storage

/// `GET /health`, `GET /ready`, `GET /metrics` and `GET /openapi.yaml`.
struct OperationsController {
    let store: Store
    /// When set, `/metrics` asks for it as a bearer token.
    let adminToken: Secret?
    let metrics: MetricsRegistry

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("health") { _, _ in
            try ResponseJSON.response(["status": "ok"])
        }
        router.get("ready") { _, context in
            do {
                try await store.ping()
                return try ResponseJSON.response(["status": "ready", "database": store.kind.rawValue])
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
        router.get("metrics") { request, _ in
            if let adminToken {
                guard let presented = BearerToken.parse(request.headers[.authorization]),
                    adminToken.constantTimeEquals(presented)
                else { throw PublicError(.unauthorized, "missing or invalid credentials") }
            }
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.render()))
            )
        }
    }
}

/// The OpenAPI document of the repository's `openapi.yaml`, embedded at build time (EmbedOpenAPI plugin).
enum OpenAPIDocument {
    static let bytes: [UInt8] = Array(Data(base64Encoded: openAPIDocumentBase64) ?? Data())
}
