import BitaqaCore
import Foundation
import Hummingbird
import Orders

/// `GET /v1/buyers/{userId}`: what is held about one buyer (their orders, contacts and deliveries; never
/// a card code), and `DELETE /v1/buyers/{userId}`: the erasure of their contacts everywhere. Both answer
/// a person's request under law 18-07, both are audited, and both are the owner's alone.
struct BuyersController {
    let buyers: BuyerData

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("buyers/{userId}", use: export)
        group.delete("buyers/{userId}", use: erase)
    }

    @Sendable func export(_ request: Request, context: AppRequestContext) async throws -> Response {
        let userId = try Self.userId(context)
        let export = try await buyers.export(userId, actor: context.merchantActor, requestID: context.requestID)
        struct Body: Encodable {
            let success = true
            let buyer: BuyerData.Export
        }
        return try ResponseJSON.response(Body(buyer: export))
    }

    @Sendable func erase(_ request: Request, context: AppRequestContext) async throws -> Response {
        let userId = try Self.userId(context)
        let erasure = try await buyers.erase(userId, actor: context.merchantActor, requestID: context.requestID)
        struct Body: Encodable {
            let success = true
            let erasure: BuyerData.Erasure
        }
        return try ResponseJSON.response(Body(erasure: erasure))
    }

    static func userId(_ context: AppRequestContext) throws -> UserID {
        guard let userId = UserID(try context.parameters.require("userId")) else {
            throw PublicError(.badRequest, "the user id is not one Bitaqa accepts")
        }
        return userId
    }
}
