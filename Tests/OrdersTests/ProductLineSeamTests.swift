import BitaqaCore
import BitaqaTestSupport
import Messaging
import Orders
import Testing

/// The seam a second product line plugs into: the deliverer writes in the wording, names and steps of
/// the line it is handed, not in the internet line's.
@Suite("Product-line seam")
struct ProductLineSeamTests {
    /// A line of another kind, its wording in files of its own (here, this one).
    struct VoucherLine: SingleCodeLine {
        var id: ProductLineID { ProductLineID(rawValue: "vouchers") }
        var customerPath: String { "api/voucher-orders" }
        var cardShape: CardShape { .codesWithSerials(maxPerOrder: 10) }
        var wording: MessageWording {
            let source = MessageWording.Source(
                cardSubject: "Voucher {{{service}}}", cardText: "Code {{{code}}}\n\(MessageWording.stepsSection)",
                cardHTML: "<p>Code {{code}}</p>", cardSMS: "Voucher code {{{code}}}", refundSubject: "Refunded",
                refundText: "Refunded", refundHTML: "<p>Refunded</p>", refundSMS: "Refunded", queuedSubject: "Queued",
                queuedText: "Queued", queuedSMS: "Queued")
            return MessageWording(sources: [.ar: source, .fr: source, .en: source])
        }
        func isSettled(_ status: OrderStatus) -> Bool { status == .fulfilled || status == .refunded }
        func productName(of order: OrderRecord) -> String { "STORE-CARD" }
        func usageSteps(for order: OrderRecord) -> [String] { ["Open the store app.", "Redeem the code."] }
    }

    @Test("a card delivered through another line's wording: its subject, its product name, its steps")
    func anotherLinesWording() async throws {
        let email = ScriptedChannel(failFirst: [])
        try await PipelineHarness.run(
            on: .sqlite, channels: DelivererTests.replacingEmail(with: email), line: VoucherLine()
        ) { h in
            let id = try await h.place(channels: [.email])
            #expect(try await h.runUntil { try await h.allDelivered([id]) })
            let message = try #require(email.messages.withLockedValue { $0.first })
            #expect(message.subject == "Voucher STORE-CARD")
            #expect(message.text.contains("1. Open the store app.") && message.text.contains("2. Redeem the code."))
            #expect(!message.text.contains("*600#"), "the internet line's steps leaked into another line")
        }
    }

    @Test("the internet line: one code, settled when fulfilled or refunded, steps per card type")
    func internet() {
        let line = InternetTopups()
        #expect(line.cardShape == .singleCode && line.customerPath == "api/internet-orders")
        #expect(line.isSettled(.fulfilled) && line.isSettled(.refunded))
        #expect(!line.isSettled(.handling) && !line.isSettled(.queued) && !line.isSettled(.unknownUpstream))
    }
}
