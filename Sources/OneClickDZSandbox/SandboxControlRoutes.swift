import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// One request the sandbox received: which route, which top-up or ref, who sent it (`User-Agent`), when
/// it arrived and when it was answered (Unix seconds), and the status it got.
public struct SandboxRequestRecord: Sendable, Codable, Equatable {
    public let route: String
    public let id: String
    public let agent: String
    public let start: Double
    public let end: Double
    public let status: Int
}

/// `/sandbox/*`: what tests of separate processes need from a standalone sandbox. Same key as the v3
/// routes; no faults are injected here.
///
/// - `GET /sandbox/requests`: the request log, `{"requests": [SandboxRequestRecord]}`.
/// - `PUT /sandbox/faults`: `{"serverErrors", "rateLimits", "malformed", "slow", "slowSeconds", "retryAfter",
///   "routes"}` (fractions and seconds; missing fields are 0, except slowSeconds 30 and retryAfter 1;
///   `routes`, e.g. `["check-id"]`, limits the faults to routes containing one of them).
/// - `GET /sandbox/cards`: every card code issued, for leak searches.
/// - `PUT /sandbox/list`: `{"omit": ["status"]}` makes `internet/list` leave those fields out of its items.
/// - `DELETE /sandbox/topups/{id}`: forgets a top-up, as if the upstream had lost it.
/// - `GET /sandbox/topups`: every top-up with the instant it leaves HANDLING (`resolvesAt`, Unix seconds),
///   for measuring the time from fulfilment to delivery.
struct SandboxControlRoutes {
    let state: SandboxState

    struct Faults: Decodable {
        var serverErrors: Double?
        var rateLimits: Double?
        var malformed: Double?
        var slow: Double?
        var slowSeconds: Double?
        var retryAfter: Int?
        var routes: [String]?
    }

    func add(to group: RouterGroup<BasicRequestContext>) {
        let guarded = group.add(middleware: SandboxKeyCheck(state: state))
        guarded.get("requests") { _, _ in
            let data = (try? JSONEncoder().encode(["requests": await state.log])) ?? Data()
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        guarded.put("faults") { request, context in
            var buffer = try await request.body.collect(upTo: 64 * 1024)
            let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
            guard let faults = try? JSONDecoder().decode(Faults.self, from: Data(bytes)) else {
                return SandboxReply.error(.badRequest, "ERR_VALIDATION", "a JSON object of fault rates is required")
            }
            let rates = [faults.serverErrors, faults.rateLimits, faults.malformed, faults.slow].map { $0 ?? 0 }
            guard rates.allSatisfy({ (0...1).contains($0) }) else {
                return SandboxReply.error(.badRequest, "ERR_VALIDATION", "rates are fractions from 0 to 1")
            }
            await state.setFaults(
                serverErrors: rates[0], rateLimits: rates[1], malformed: rates[2], slow: rates[3],
                slowSeconds: faults.slowSeconds ?? 30, retryAfter: faults.retryAfter ?? 1, routes: faults.routes
            )
            return SandboxReply.ok([
                "serverErrors": rates[0], "rateLimits": rates[1], "malformed": rates[2], "slow": rates[3],
            ])
        }
        guarded.get("topups") { _, _ in
            let topups = await state.allTopups().map {
                [
                    "id": $0.id, "ref": $0.ref, "resolvesAt": $0.resolvesAt.timeIntervalSince1970,
                    "outcome": "\($0.outcome)",
                ] as [String: Any]
            }
            return SandboxReply.json(.ok, ["topups": topups])
        }
        guarded.put("list") { request, _ in
            let buffer = try await request.body.collect(upTo: 64 * 1024)
            guard
                let object = try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any],
                let omit = object["omit"] as? [String]
            else {
                return SandboxReply.error(
                    .badRequest, "ERR_VALIDATION", "a JSON object {\"omit\": [field]} is required")
            }
            await state.setListOmits(omit)
            return SandboxReply.ok(["omit": omit])
        }
        guarded.delete("topups/{id}") { _, context in
            let id = try context.parameters.require("id")
            guard await state.delete(id: id) else {
                return SandboxReply.error(.notFound, "NOT_FOUND", "no such top-up")
            }
            return SandboxReply.ok(["deleted": id])
        }
        guarded.get("cards") { _, _ in
            SandboxReply.ok(["codes": await state.issuedCardCodes()])
        }
    }
}

/// The key check of the v3 routes, without their faults.
struct SandboxKeyCheck: RouterMiddleware {
    typealias Context = BasicRequestContext
    let state: SandboxState

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let token = request.headers[.accessToken] ?? ""
        let required = state.settings.requiredKey
        guard !token.isEmpty, required == nil || token == required else {
            return SandboxReply.error(.unauthorized, "INVALID_ACCESS_TOKEN", "Invalid or expired access token")
        }
        return try await next(request, context)
    }
}
