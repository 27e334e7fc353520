import Foundation
import Hummingbird

/// `/sandbox/gift-cards/*`: what tests script and read of the gift cards, with the same key as the v3
/// routes.
///
/// - `PUT /sandbox/gift-cards/faults`: `{"lostAnswers": N, "unavailable": M}` (missing fields are 0). The
///   next N `placeOrder` calls that create an order lose their answer: the order is made and paid, then
///   a 200 head is sent and the connection closed before any body, which the client sees as a dropped
///   connection. The next M `placeOrder` calls are answered 503 `SERVICE_UNAVAILABLE` before anything is
///   checked or created (they come first when both are set).
/// - `GET /sandbox/gift-cards/counts`: `{"placeOrderCalls", "orders"}`: the `placeOrder` requests
///   received (faults and refusals included) and the gift-card orders that exist.
/// - `GET /sandbox/gift-cards/cards`: `{"codes": [...]}`, every code and serial issued, for leak searches.
struct SandboxGiftCardControlRoutes {
    let state: SandboxState
    let giftCards: SandboxGiftCards

    func add(to group: RouterGroup<BasicRequestContext>) {
        let guarded = group.add(middleware: SandboxKeyCheck(state: state))
        guarded.put("gift-cards/faults") { request, _ in
            let buffer = try await request.body.collect(upTo: 64 * 1024)
            guard
                let object = try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any]
            else {
                return SandboxReply.error(
                    .badRequest, "ERR_VALIDATION", "a JSON object {\"lostAnswers\", \"unavailable\"} is required")
            }
            let lost = (object["lostAnswers"] as? NSNumber)?.intValue ?? 0
            let unavailable = (object["unavailable"] as? NSNumber)?.intValue ?? 0
            await giftCards.setFaults(lostAnswers: lost, unavailable: unavailable)
            return SandboxReply.ok(["lostAnswers": lost, "unavailable": unavailable])
        }
        guarded.get("gift-cards/counts") { _, _ in
            SandboxReply.ok([
                "placeOrderCalls": await state.requests["POST /gift-cards/placeOrder"] ?? 0,
                "orders": await giftCards.orderCount,
            ])
        }
        guarded.get("gift-cards/orders") { _, _ in
            let data = (try? JSONEncoder().encode(["orders": await giftCards.timings()])) ?? Data()
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        guarded.get("gift-cards/cards") { _, _ in
            SandboxReply.ok(["codes": await giftCards.issued()])
        }
    }
}
