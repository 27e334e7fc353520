import BitaqaCore
import Crypto
import Foundation
import Orders

/// The reveal page's HTML. No inline script or style runs unless its hash is in the page's
/// Content-Security-Policy, and every value shown is escaped.
enum RevealPage {
    static let style = """
        body{font-family:Arial,sans-serif;margin:0;padding:16px;background:#f6f7f9;color:#1b1f24}\
        main{max-width:480px;margin:0 auto;background:#fff;border-radius:12px;padding:20px;box-shadow:0 1px 4px rgba(0,0,0,.1)}\
        h1{font-size:1.3em}dl{display:grid;grid-template-columns:auto 1fr;gap:6px 12px}dt{color:#57606a}\
        button{font-size:1.1em;padding:12px 18px;border:0;border-radius:8px;background:#0b6bcb;color:#fff;width:100%}\
        #code{display:block;font-size:1.8em;letter-spacing:3px;text-align:center;padding:12px;margin:12px 0;\
        background:#eef4ff;border-radius:8px;direction:ltr;user-select:all}.note{color:#57606a;font-size:.9em}\
        .shop{margin:0;font-weight:bold;font-size:1.1em}.shop a{color:inherit;text-decoration:none}
        """
    static let script = """
        document.getElementById('copy').addEventListener('click',function(){var c=document.getElementById('code').textContent;\
        if(navigator.clipboard){navigator.clipboard.writeText(c).then(function(){document.getElementById('copy').dataset.copied='1'})}});
        """

    static let policy: String = {
        func hash(_ text: String) -> String {
            "'sha256-" + Data(SHA256.hash(data: Data(text.utf8))).base64EncodedString() + "'"
        }
        return "default-src 'none'; style-src \(hash(style)); script-src \(hash(script)); form-action 'self'; "
            + "base-uri 'none'; frame-ancestors 'none'; img-src 'none'"
    }()

    struct Labels {
        let title, type, line, value, status, show, copy, transaction, steps, keep, invalid, wait, refunded: String
        let help, soldBy, unknown: String
    }

    static func labels(_ locale: CustomerLocale) -> Labels {
        switch locale {
        case .ar:
            return Labels(
                title: "بطاقة تعبئة الإنترنت", type: "النوع", line: "الخط", value: "القيمة", status: "الحالة",
                show: "اعرض بطاقتي",
                copy: "انسخ الرمز", transaction: "رقم المعاملة", steps: "طريقة الاستعمال",
                keep: "احتفظ بهذا الرمز لنفسك.",
                invalid: "هذا الرابط غير صالح أو انتهت صلاحيته.", wait: "طلبك قيد المعالجة، يرجى الانتظار.",
                refunded: "تعذّر تنفيذ طلبك وتم استرجاع المبلغ.", help: "للمساعدة:", soldBy: "البائع:",
                unknown: "تعذّر العثور على هذا الطلب لدى المتعامل. يرجى التواصل مع المتجر."
            )
        case .fr:
            return Labels(
                title: "Votre carte de recharge Internet", type: "Type", line: "Ligne", value: "Valeur",
                status: "Statut",
                show: "Afficher ma carte", copy: "Copier le code", transaction: "N° de transaction",
                steps: "Mode d'emploi",
                keep: "Gardez ce code pour vous.", invalid: "Ce lien n'est pas valide ou a expiré.",
                wait: "Votre commande est en cours de traitement ; veuillez patienter.",
                refunded: "Votre commande a échoué et a été remboursée.", help: "Besoin d'aide ?",
                soldBy: "Vendu par", unknown: "Cette commande est introuvable chez l'opérateur. Contactez la boutique."
            )
        case .en:
            return Labels(
                title: "Your internet recharge card", type: "Type", line: "Line", value: "Value", status: "Status",
                show: "Show my card",
                copy: "Copy the code", transaction: "Transaction number", steps: "How to use it",
                keep: "Keep this code to yourself.",
                invalid: "This link is invalid or has expired.", wait: "Your order is being processed; please wait.",
                refunded: "Your order failed and was refunded.", help: "Need help?", soldBy: "Sold by",
                unknown: "This order cannot be found at the operator. Please contact the shop."
            )
        }
    }

    static func escape(_ text: String) -> String {
        BidiText.escape(text)
    }

    static func document(locale: CustomerLocale, body: String, withScript: Bool = false, shop: ShopIdentity) -> String {
        let dir = locale.isRightToLeft ? "rtl" : "ltr"
        let labels = labels(locale)
        let title = shop.name.map { escape($0) + " · " } ?? ""
        var header = ""
        if let name = shop.name {
            let link = shop.url.map { "<a href=\"\(escape($0))\">\(escape(name))</a>" } ?? escape(name)
            header = "<p class=\"shop\">\(link)</p>"
        }
        var footer = ""
        if let support = shop.support {
            footer += "<p class=\"note\">\(labels.help) <bdi dir=\"ltr\">\(escape(support))</bdi></p>"
        }
        return """
            <!DOCTYPE html>
            <html lang="\(locale.rawValue)" dir="\(dir)"><head><meta charset="utf-8">\
            <meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer">\
            <title>\(title)\(escape(labels.title))</title><style>\(style)</style></head>
            <body><main>\(header)\(body)\(footer)</main>\(withScript ? "<script>\(script)</script>" : "")</body></html>
            """
    }

    static func facts(_ order: OrderSummary, _ labels: Labels) -> String {
        "<dl><dt>\(labels.type)</dt><dd><bdi dir=\"ltr\">\(escape(order.type))</bdi></dd><dt>\(labels.line)</dt>"
            + "<dd><bdi dir=\"ltr\">\(escape(order.number))</bdi></dd>"
            + "<dt>\(labels.value)</dt><dd>\(escape(order.value))</dd><dt>\(labels.status)</dt><dd>\(escape(order.status))</dd></dl>"
    }

    struct OrderSummary {
        let type: String
        let number: String
        /// The amount as the order's language writes it (``DinarAmount``).
        let value: String
        /// The status in the order's language.
        let status: String
        let transactionNumber: String
    }

    /// The page before the click: the order, the card hidden, the button.
    static func landing(
        _ order: OrderSummary, status: OrderStatus, locale: CustomerLocale, action: String,
        shop: ShopIdentity = .unnamed
    ) -> String {
        let labels = labels(locale)
        var body = "<h1>\(labels.title)</h1>" + facts(order, labels)
        switch status {
        case .fulfilled, .partiallyFilled:
            body +=
                "<form method=\"post\" action=\"\(escape(action))\"><button id=\"show\" type=\"submit\">\(labels.show)</button></form>"
        case .refunded, .notPlaced:
            body += "<p>\(labels.refunded)</p>"
        case .handling, .queued, .placing, .uncertain:
            body += "<p>\(labels.wait)</p>"
        case .unknownUpstream:
            body += "<p>\(labels.unknown)</p>"
        }
        return document(locale: locale, body: body, shop: shop)
    }

    /// The page after the click: the code, a copy button, the steps and the transaction number.
    static func revealed(
        _ order: OrderSummary, code: CardCode, steps: [String], locale: CustomerLocale, shop: ShopIdentity = .unnamed
    ) -> String {
        let labels = labels(locale)
        let body =
            "<h1>\(labels.title)</h1>" + facts(order, labels)
            + "<output id=\"code\">\(escape(code.revealed))</output>"
            + "<button id=\"copy\" type=\"button\">\(labels.copy)</button>"
            + "<p>\(labels.transaction): <bdi dir=\"ltr\">\(escape(order.transactionNumber))</bdi></p>"
            + "<h2>\(labels.steps)</h2><ol>"
            + steps.map { "<li>\(locale.isRightToLeft ? BidiText.html($0) : escape($0))</li>" }.joined() + "</ol>"
            + "<p class=\"note\">\(labels.keep)</p>"
        return document(locale: locale, body: body, withScript: true, shop: shop)
    }

    /// For a forged, expired or unknown link: in all three languages, since the link says nothing.
    static func invalid(shop: ShopIdentity = .unnamed) -> String {
        let body = CustomerLocale.allCases.map {
            "<p lang=\"\($0.rawValue)\" dir=\"\($0.isRightToLeft ? "rtl" : "ltr")\">\(labels($0).invalid)</p>"
        }.joined()
        return document(locale: .fr, body: body, shop: shop)
    }
}
