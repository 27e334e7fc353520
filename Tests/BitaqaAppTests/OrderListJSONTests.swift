import BitaqaCore
import Foundation
import Orders
import Testing

@testable import BitaqaHTTP

@Suite("Hand-written order list body")
struct OrderListJSONTests {
    static func text(_ length: Int) -> String { JSONWriterTests.text(length) }

    static func maybe<T>(_ round: Int, _ every: Int, _ value: @autoclosure () -> T) -> T? {
        round % every == 0 ? nil : value()
    }

    static func order(_ round: Int) -> OrderResponse {
        var order = OrderRecord(
            topupId: TopupID("t-\(round)-" + String(UUID().uuidString.prefix(8)))!,
            userId: UserID("user-\(round)")!, locale: CustomerLocale.allCases.randomElement()!,
            status: OrderStatus.allCases.randomElement()!,
            channels: [[], [.email], [.sms], [.email, .sms]][round % 4], fingerprint: "f",
            createdAt: Int64.random(in: 0..<4_000_000_000_000), updatedAt: 0)
        order.topupRef = maybe(round, 3, text(12))
        order.cardType = maybe(round, 5, CardType.allCases.randomElement()!)
        order.number = maybe(round, 4, text(10))
        order.value = maybe(round, 6, Int.random(in: -10...1_000_000))
        order.email = maybe(round, 2, text(20))
        order.phone = maybe(round, 7, text(13))
        order.transactionNumber = maybe(round, 3, text(8))
        order.processedDate = maybe(round, 5, text(19))
        let deliveries = (0..<Int.random(in: 0...3)).map { index in
            var delivery = DeliveryRecord(
                id: "d\(index)", topupId: order.topupId, channel: index % 2 == 0 ? .email : .sms,
                purpose: [.card, .refundNotice, .delayNotice][index % 3],
                state: DeliveryState.allCases.randomElement()!,
                attempts: Int.random(in: 0...9), createdAt: 0)
            delivery.lastError = maybe(round + index, 2, text(30))
            delivery.deliveredAt = maybe(round + index, 3, Int64.random(in: 0..<4_000_000_000_000))
            return delivery
        }
        return OrderResponse(order: order, deliveries: deliveries)
    }

    struct Body: Encodable {
        let success = true
        let orders: [OrderResponse]
        @NullEncoded var nextCursor: String?
    }

    @Test("a page is byte for byte what the response encoder writes: awkward text, nulls, empty pages")
    func matchesEncoder() throws {
        for round in 0..<400 {
            let orders = (0..<(round % 9 == 0 ? 0 : Int.random(in: 1...5))).map { Self.order(round + $0) }
            let cursor = round % 2 == 0 ? nil : Self.text(16)
            let expected = try ResponseJSON.encoder.encode(Body(orders: orders, nextCursor: cursor))
            #expect(
                OrderResponse.listJSON(orders, nextCursor: cursor) == Array(expected),
                "\(String(decoding: expected, as: UTF8.self))")
        }
    }
}
