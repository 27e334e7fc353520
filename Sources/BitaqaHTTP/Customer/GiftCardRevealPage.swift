import BitaqaCore
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Messaging
import NIOCore
import Orders

/// The reveal page's HTML for a gift-card order: the top-up page's rules (no inline script or style
/// runs unless its hash is in the Content-Security-Policy, every value escaped, Arabic right to left),
/// with every card that came, each with its serial and its own copy button.
enum GiftCardRevealPage {
    /// The top-up page's look, plus a block per card.
    static let style =
        RevealPage.style
        + ".card{border-top:1px solid #d0d7de;padding:8px 0}.card h2{font-size:1em;margin:4px 0}"
        // Sized to the screen so a 20-character code stays on one line on a phone; it breaks only past that.
        + ".code{display:block;font-size:clamp(1em,4.4vw,1.4em);letter-spacing:1px;text-align:center;"
        + "padding:10px 6px;margin:8px 0;background:#eef4ff;border-radius:8px;direction:ltr;user-select:all;"
        + "overflow-wrap:anywhere}"
    /// The top-up page's copy button, for each button naming the code it copies (`data-copy`).
    static let script = """
        document.querySelectorAll('button[data-copy]').forEach(function(b){b.addEventListener('click',function(){\
        var c=document.getElementById(b.dataset.copy).textContent;\
        if(navigator.clipboard){navigator.clipboard.writeText(c).then(function(){b.dataset.copied='1'})}})});
        """

    static let policy: String = {
        func hash(_ text: String) -> String {
            "'sha256-" + Data(SHA256.hash(data: Data(text.utf8))).base64EncodedString() + "'"
        }
        return "default-src 'none'; style-src \(hash(style)); script-src \(hash(script)); form-action 'self'; "
            + "base-uri 'none'; frame-ancestors 'none'; img-src 'none'"
    }()

    /// Codes, serials, refs and numbers read left to right inside any page, Arabic included.
    static func ltr(_ text: String) -> String { "<bdi dir=\"ltr\">\(BidiText.escape(text))</bdi>" }

    /// Names from the catalogue, whose direction is their own.
    static func isolated(_ text: String) -> String { "<bdi>\(BidiText.escape(text))</bdi>" }

    static func facts(_ order: GiftCardOrder, _ texts: GiftCardRevealTexts) -> String {
        let details = order.details
        var count = ltr("\(details.quantity)")
        if order.status == .partiallyFilled {
            count = ltr("\(details.fulfilledQuantity ?? 0)") + " / " + count
        }
        return "<dl><dt>\(texts.order)</dt><dd>\(ltr(details.ref))</dd>"
            + "<dt>\(texts.product)</dt><dd>\(isolated(details.productTitle))</dd>"
            + "<dt>\(texts.type)</dt><dd>\(isolated(details.typeName))</dd>"
            + "<dt>\(texts.quantity)</dt><dd>\(count)</dd>"
            + "<dt>\(texts.status)</dt><dd>\(BidiText.escape(order.status.localized(order.order.locale)))</dd></dl>"
    }

    /// For a partial fill: how many came, and that the rest's money went to the shop.
    static func partialNote(_ order: GiftCardOrder, _ texts: GiftCardRevealTexts) -> String {
        guard order.status == .partiallyFilled else { return "" }
        let details = order.details
        return "<p>\(texts.partial(ltr("\(details.fulfilledQuantity ?? 0)"), ltr("\(details.quantity)")))</p>"
    }

    /// The page before the click: the order, no code, the button when there are cards to show.
    static func landing(_ order: GiftCardOrder, action: String, shop: ShopIdentity) -> String {
        let texts = GiftCardRevealTexts.of(order.order.locale)
        var body = "<h1>\(texts.title)</h1>" + facts(order, texts) + partialNote(order, texts)
        switch order.status {
        case .fulfilled, .partiallyFilled:
            body +=
                "<form method=\"post\" action=\"\(BidiText.escape(action))\"><button id=\"show\" type=\"submit\">\(texts.show)</button></form>"
        case .refunded:
            body += "<p>\(texts.refunded)</p>"
        case .notPlaced:
            body += "<p>\(texts.notPlaced)</p>"
        case .placing, .handling, .queued, .uncertain, .unknownUpstream:
            body += "<p>\(texts.wait)</p>"
        }
        return document(order.order.locale, texts: texts, body: body, withScript: false, shop: shop)
    }

    /// The page after the click: every card with its serial and a copy button, and how to redeem them.
    static func revealed(_ order: GiftCardOrder, cards: [GiftCard], shop: ShopIdentity) -> String {
        let locale = order.order.locale
        let texts = GiftCardRevealTexts.of(locale)
        let details = order.details
        var body = "<h1>\(texts.title)</h1>" + facts(order, texts) + partialNote(order, texts)
        for (index, card) in cards.enumerated() {
            let number = index + 1
            body +=
                "<section class=\"card\"><h2>\(texts.card) \(ltr("\(number)"))</h2>"
                + "<output id=\"code-\(number)\" class=\"code\">\(ltr(card.code.revealed))</output>"
            if let serial = card.serial {
                // French puts a (no-break) space before the colon.
                let colon = locale == .fr ? "\u{00A0}:" : ":"
                body += "<p>\(texts.serial)\(colon) \(ltr(serial.revealed))</p>"
            }
            body += "<button type=\"button\" data-copy=\"code-\(number)\">\(texts.copy)</button></section>"
        }
        let steps = GiftCardRedemption.steps(
            productId: details.productId, title: details.productTitle, locale: locale)
        body +=
            "<h2>\(texts.steps)</h2><ol>"
            + steps.map { "<li>\(locale.isRightToLeft ? BidiText.html($0) : BidiText.escape($0))</li>" }.joined()
            + "</ol><p class=\"note\">\(texts.keep)</p>"
        return document(locale, texts: texts, body: body, withScript: true, shop: shop)
    }

    /// The top-up page's frame (``RevealPage/document(locale:body:withScript:shop:)``) with this page's
    /// title, style and script.
    static func document(
        _ locale: CustomerLocale, texts: GiftCardRevealTexts, body: String, withScript: Bool, shop: ShopIdentity
    ) -> String {
        let escape = BidiText.escape
        let help = RevealPage.labels(locale).help
        let title = shop.name.map { escape($0) + " · " } ?? ""
        var header = ""
        if let name = shop.name {
            let link = shop.url.map { "<a href=\"\(escape($0))\">\(escape(name))</a>" } ?? escape(name)
            header = "<p class=\"shop\">\(link)</p>"
        }
        let footer = shop.support.map { "<p class=\"note\">\(help) <bdi dir=\"ltr\">\(escape($0))</bdi></p>" } ?? ""
        return """
            <!DOCTYPE html>
            <html lang="\(locale.rawValue)" dir="\(locale.isRightToLeft ? "rtl" : "ltr")"><head><meta charset="utf-8">\
            <meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer">\
            <title>\(title)\(escape(texts.title))</title><style>\(style)</style></head>
            <body><main>\(header)\(body)\(footer)</main>\(withScript ? "<script>\(script)</script>" : "")</body></html>
            """
    }

    /// The top-up page's headers (``RevealPageController/page(_:status:)``) with this page's policy.
    static func response(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        var response = RevealPageController.page(html, status: status)
        response.headers[.contentSecurityPolicy] = policy
        return response
    }
}
