import BitaqaCore
import Foundation
import Hummingbird
import NIOCore
import Orders

/// `POST /console/buyers/{userId}/erase`; `confirm` is the buyer's id typed again.
struct ConsoleEraseForm: ConsoleActionForm {
    var csrf: String?
    var confirm: String?
}

/// A buyer's personal data from the console, the owner's alone (``RouteRoles``), as `GET` and `DELETE
/// /v1/buyers/{userId}` are: the download of what is held, and the erasure of the contacts behind a page
/// that says what it does and asks for the buyer's id again, since it cannot be undone. Both are audited
/// by ``BuyerData`` with the session's actor.
struct ConsoleBuyerDataController {
    let support: ConsoleSupport
    let domain: DomainContext
    let buyers: BuyerData

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("buyers/{userId}/export", use: export)
        group.get("buyers/{userId}/erase", use: confirmation)
        group.post("buyers/{userId}/erase", use: erase)
    }

    /// `BuyerData.Export` as a JSON file to keep or hand to the buyer; never cached, as it holds contacts.
    @Sendable func export(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await support.signedIn(request) { session in
            try ConsoleSupport.requireRole(session, request, context)
            guard let user = Self.user(context) else { return notFound(request, session: session) }
            let export = try await buyers.export(user, actor: session.actor, requestID: context.requestID)
            let encoder = ResponseJSON.encoder
            encoder.outputFormatting.insert(.prettyPrinted)
            return Response(
                status: .ok,
                headers: [
                    .contentType: "application/json; charset=utf-8",
                    .contentDisposition: "attachment; filename=\"\(Self.fileName(user))\"", .cacheControl: "no-store",
                    .xContentTypeOptions: "nosniff",
                ],
                body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(export))))
        }
    }

    @Sendable func confirmation(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await support.signedIn(request) { session in
            try ConsoleSupport.requireRole(session, request, context)
            guard let user = Self.user(context) else { return notFound(request, session: session) }
            return support.page(try await view(user), request: request, session: session)
        }
    }

    /// Erases only when `confirm` names the buyer; otherwise the confirmation again, with why (422).
    @Sendable func erase(_ request: Request, context: AppRequestContext) async throws -> Response {
        let post = try await support.post(request, context: context, as: ConsoleEraseForm.self)
        guard let user = Self.user(context) else { return notFound(request, session: post.session) }
        guard post.form.confirm?.trimmingCharacters(in: .whitespaces) == user.rawValue else {
            var view = try await view(user)
            view.error = ConsoleSupport.words(request)["bdBadConfirm"]
            return support.page(view, request: request, session: post.session, status: .unprocessableContent)
        }
        let erasure = try await buyers.erase(user, actor: post.session.actor, requestID: context.requestID)
        return ConsoleSupport.redirect(
            ConsoleOrderView.buyerPath(user) + "?notice=erased&count=\(erasure.erased)")
    }

    private func view(_ user: UserID) async throws -> ConsoleBuyerErasureView {
        // The same orders, and the same test of "holds a contact", as the erasure itself.
        let orders = try await domain.repositories.orders.orders(ownedBy: user, limit: BuyerData.orderLimit)
        let holding = orders.filter { $0.email != nil || $0.phone != nil || !$0.unreadableContacts.isEmpty }
        return ConsoleBuyerErasureView(
            user: user.rawValue, path: ConsoleOrderView.buyerPath(user), count: holding.count)
    }

    private func notFound(_ request: Request, session: ConsoleSessions.Session) -> Response {
        support.page(
            ConsoleBuyerView(user: "-", orders: [], hasOrders: false), request: request, session: session,
            status: .notFound)
    }

    static func user(_ context: AppRequestContext) -> UserID? {
        context.parameters.get("userId").flatMap { UserID(String($0)) }
    }

    /// `buyer-<userId>.json`, with any character a quoted header value or a file system would misread
    /// replaced by `_`.
    static func fileName(_ user: UserID) -> String {
        let safe = user.rawValue.unicodeScalars.map {
            CharacterSet.alphanumerics.contains($0) && $0.isASCII || "-_.".unicodeScalars.contains($0)
                ? String($0) : "_"
        }
        return "buyer-" + safe.joined() + ".json"
    }
}
