import BitaqaCore
import Orders
import Testing

@testable import BitaqaHTTP

/// A webhook message's failure, in words the merchant can act on, beside the raw error.
@Suite("Console: webhook failures in words")
struct ConsoleWebhookTermsTests {
    @Test("each error the sender records has words in every language; a 4xx asks to check the URL and secret")
    func words() {
        for locale in CustomerLocale.allCases {
            for error in ["timeout", "connection", "gone", "unauthenticated", "status 401", "status 503"] {
                let words = ConsoleTerms.webhookFailure(error, locale)
                #expect(words?.isEmpty == false, "\(locale) \(error)")
            }
            #expect(ConsoleTerms.webhookFailure(nil, locale) == nil)
            #expect(ConsoleTerms.webhookFailure("status 200", locale) == nil)
        }
        #expect(ConsoleTerms.webhookFailure("status 403", .fr)?.contains("secret") == true)
        #expect(ConsoleTerms.webhookFailure("connection", .en)?.contains("BITAQA_WEBHOOK_URL") == true)
    }

    @Test("the webhooks page shows the words and the raw error")
    func page() {
        var message = WebhookMessageRecord(
            id: "msg_1", type: "order.fulfilled", body: "{}", state: .failed, attempts: 3, createdAt: 1_000)
        message.lastError = "status 401"
        let view = ConsoleWebhooksView(configured: true, state: nil, messages: [message], locale: .fr)
        #expect(view.messages.first?.reason?.contains("refusé") == true)
        #expect(view.messages.first?.error == "status 401")
    }
}
