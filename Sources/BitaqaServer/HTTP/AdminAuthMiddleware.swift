import BitaqaCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// Guards the merchant API: `Authorization: Bearer <BITAQA_ADMIN_TOKEN>`, compared in constant time.
struct AdminAuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let token: Secret

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard let presented = BearerToken.parse(request.headers[.authorization]),
            token.constantTimeEquals(presented)
        else {
            throw PublicError(.unauthorized, "missing or invalid credentials")
        }
        return try await next(request, context)
    }
}

enum BearerToken {
    /// The token of an `Authorization: Bearer …` header, or nil.
    static func parse(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}
