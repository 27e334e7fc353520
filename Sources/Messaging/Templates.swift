import BitaqaCore

/// The message templates, one set per locale, compiled into the binary so a deployment cannot lose them.
///
/// Text and SMS templates use triple braces: they are not HTML, and escaping would garble the code.
/// HTML templates use double braces, so every value is escaped.
enum TemplateSource {
    struct TemplateSet {
        let cardSubject: String
        let cardText: String
        let cardHTML: String
        let cardSMS: String
        let refundSubject: String
        let refundText: String
        let refundHTML: String
        let refundSMS: String
        let queuedSubject: String
        let queuedText: String
        let queuedSMS: String
    }

    static let steps = "{{#steps}}{{{index}}}. {{{text}}}\n{{/steps}}"
    static let htmlSteps = "<ol>{{#steps}}<li>{{text}}</li>{{/steps}}</ol>"

    static func html(lang: String, dir: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="\(lang)" dir="\(dir)"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"></head>
        <body style="font-family: Arial, sans-serif; direction: \(dir); text-align: \(dir == "rtl" ? "right" : "left")">
        \(body)
        </body></html>
        """
    }

    static func set(_ locale: CustomerLocale) -> TemplateSet {
        switch locale {
        case .ar: arabic
        case .fr: french
        case .en: english
        }
    }

    static let arabic = TemplateSet(
        cardSubject: "بطاقة تعبئة الإنترنت {{{service}}} الخاصة بك",
        cardText: """
            بطاقة تعبئة الإنترنت {{{service}}} بقيمة {{{value}}} دج جاهزة.
            {{#hasCode}}
            رمز البطاقة: {{{code}}}
            {{/hasCode}}
            {{#link}}
            اعرض رمز البطاقة عبر هذا الرابط: {{{link}}}
            {{/link}}
            رقم المعاملة: {{{transactionNumber}}}
            تاريخ المعالجة: {{{processedDate}}}
            الخط: {{{number}}}

            طريقة الاستعمال:
            \(steps)
            احتفظ بهذا الرمز لنفسك: من يعرفه يستطيع استعماله.
            """,
        cardHTML: html(
            lang: "ar", dir: "rtl",
            body: """
                <h2>بطاقة تعبئة الإنترنت {{service}} بقيمة {{value}} دج جاهزة</h2>
                {{#hasCode}}<p>رمز البطاقة: <strong style="font-size:1.4em;letter-spacing:2px" dir="ltr">{{code}}</strong></p>{{/hasCode}}
                {{#link}}<p><a href="{{link}}">اعرض رمز البطاقة</a></p>{{/link}}
                <p>رقم المعاملة: <span dir="ltr">{{transactionNumber}}</span><br>تاريخ المعالجة: {{processedDate}}<br>الخط: <span dir="ltr">{{number}}</span></p>
                <h3>طريقة الاستعمال</h3>
                \(htmlSteps)
                <p><strong>احتفظ بهذا الرمز لنفسك: من يعرفه يستطيع استعماله.</strong></p>
                """),
        cardSMS:
            "بطاقة {{{service}}} {{{value}}}دج: {{{code}}}\nمعاملة {{{transactionNumber}}}\nاطلب *600# ثم تعبئة وأدخل الرمز. مساعدة 3003. لا تشارك الرمز",
        refundSubject: "تعذّر تنفيذ طلبك وتم استرجاع المبلغ",
        refundText:
            "نعتذر، تعذّر تنفيذ طلب تعبئة الإنترنت {{{service}}} للخط {{{number}}}. تم إلغاء الطلب واسترجاع المبلغ.",
        refundHTML: html(
            lang: "ar", dir: "rtl",
            body:
                "<p>نعتذر، تعذّر تنفيذ طلب تعبئة الإنترنت {{service}} للخط <span dir=\"ltr\">{{number}}</span>. تم إلغاء الطلب واسترجاع المبلغ.</p>"
        ),
        refundSMS: "تعذّر تنفيذ طلب تعبئة {{{service}}} للخط {{{number}}}. تم استرجاع المبلغ.",
        queuedSubject: "طلبك قيد الانتظار",
        queuedText:
            "طلب تعبئة الإنترنت {{{service}}} للخط {{{number}}} قيد الانتظار لدى المتعامل، وسيُنفَّذ خلال 12 إلى 48 ساعة.",
        queuedSMS: "طلب تعبئة {{{service}}} للخط {{{number}}} قيد الانتظار، سيُنفَّذ خلال 12 إلى 48 ساعة."
    )

    static let french = TemplateSet(
        cardSubject: "Votre carte de recharge Internet {{{service}}}",
        cardText: """
            Votre carte de recharge Internet {{{service}}} de {{{value}}} DA est prête.
            {{#hasCode}}
            Code de la carte : {{{code}}}
            {{/hasCode}}
            {{#link}}
            Affichez le code de la carte ici : {{{link}}}
            {{/link}}
            N° de transaction : {{{transactionNumber}}}
            Date de traitement : {{{processedDate}}}
            Ligne : {{{number}}}

            Mode d'emploi :
            \(steps)
            Gardez ce code pour vous : quiconque le connaît peut l'utiliser.
            """,
        cardHTML: html(
            lang: "fr", dir: "ltr",
            body: """
                <h2>Votre carte de recharge Internet {{service}} de {{value}} DA est prête</h2>
                {{#hasCode}}<p>Code de la carte : <strong style="font-size:1.4em;letter-spacing:2px">{{code}}</strong></p>{{/hasCode}}
                {{#link}}<p><a href="{{link}}">Afficher le code de la carte</a></p>{{/link}}
                <p>N° de transaction : {{transactionNumber}}<br>Date de traitement : {{processedDate}}<br>Ligne : {{number}}</p>
                <h3>Mode d'emploi</h3>
                \(htmlSteps)
                <p><strong>Gardez ce code pour vous : quiconque le connaît peut l'utiliser.</strong></p>
                """),
        cardSMS:
            "Carte {{{service}}} {{{value}}} DA: {{{code}}}\nTrans. {{{transactionNumber}}}\nComposez *600#, Recharger, saisissez le code. Aide: 3003. Code strictement personnel.",
        refundSubject: "Votre commande a échoué et a été remboursée",
        refundText:
            "Désolés, la recharge Internet {{{service}}} de la ligne {{{number}}} n'a pas pu être effectuée. La commande a été annulée et remboursée.",
        refundHTML: html(
            lang: "fr", dir: "ltr",
            body:
                "<p>Désolés, la recharge Internet {{service}} de la ligne {{number}} n'a pas pu être effectuée. La commande a été annulée et remboursée.</p>"
        ),
        refundSMS: "Recharge {{{service}}} de la ligne {{{number}}} impossible: commande annulee et remboursee.",
        queuedSubject: "Votre commande est en attente",
        queuedText:
            "La recharge Internet {{{service}}} de la ligne {{{number}}} est en attente chez l'opérateur ; elle sera effectuée sous 12 à 48 heures.",
        queuedSMS: "Recharge {{{service}}} de la ligne {{{number}}} en attente: effectuee sous 12 a 48 h."
    )

    static let english = TemplateSet(
        cardSubject: "Your {{{service}}} internet recharge card",
        cardText: """
            Your {{{value}}} DA {{{service}}} internet recharge card is ready.
            {{#hasCode}}
            Card code: {{{code}}}
            {{/hasCode}}
            {{#link}}
            Show the card code here: {{{link}}}
            {{/link}}
            Transaction number: {{{transactionNumber}}}
            Processing date: {{{processedDate}}}
            Line: {{{number}}}

            How to use it:
            \(steps)
            Keep this code to yourself: anyone who knows it can use it.
            """,
        cardHTML: html(
            lang: "en", dir: "ltr",
            body: """
                <h2>Your {{value}} DA {{service}} internet recharge card is ready</h2>
                {{#hasCode}}<p>Card code: <strong style="font-size:1.4em;letter-spacing:2px">{{code}}</strong></p>{{/hasCode}}
                {{#link}}<p><a href="{{link}}">Show the card code</a></p>{{/link}}
                <p>Transaction number: {{transactionNumber}}<br>Processing date: {{processedDate}}<br>Line: {{number}}</p>
                <h3>How to use it</h3>
                \(htmlSteps)
                <p><strong>Keep this code to yourself: anyone who knows it can use it.</strong></p>
                """),
        cardSMS:
            "{{{service}}} card {{{value}}} DA: {{{code}}}\nTrans. {{{transactionNumber}}}\nDial *600#, choose Recharge, enter the code. Help: 3003. Keep this code private.",
        refundSubject: "Your order failed and was refunded",
        refundText:
            "Sorry, the {{{service}}} internet recharge of line {{{number}}} could not be completed. The order was cancelled and refunded.",
        refundHTML: html(
            lang: "en", dir: "ltr",
            body:
                "<p>Sorry, the {{service}} internet recharge of line {{number}} could not be completed. The order was cancelled and refunded.</p>"
        ),
        refundSMS: "The {{{service}}} recharge of line {{{number}}} failed: the order was cancelled and refunded.",
        queuedSubject: "Your order is queued",
        queuedText:
            "The {{{service}}} internet recharge of line {{{number}}} is queued at the operator and will be done within 12 to 48 hours.",
        queuedSMS: "The {{{service}}} recharge of line {{{number}}} is queued: done within 12 to 48 hours."
    )
}
