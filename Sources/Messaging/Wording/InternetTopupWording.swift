import BitaqaCore

extension MessageWording {
    /// The internet top-up line's messages: an Algérie Télécom ADSL or 4G recharge card for a line.
    public static let internetTopups = MessageWording(
        sources: [
            .ar: InternetTopupWording.arabic, .fr: InternetTopupWording.french, .en: InternetTopupWording.english,
        ])
}

/// The internet top-up templates, one set per locale, compiled into the binary so a deployment cannot
/// lose them.
enum InternetTopupWording {
    static let steps = MessageWording.stepsSection

    static let arabic = MessageWording.Source(
        cardSubject: "{{#shop}}{{{shop}}}: {{/shop}}بطاقة تعبئة الإنترنت {{{service}}} الخاصة بك",
        cardText: """
            {{#shop}}{{{shop}}}
            {{/shop}}بطاقة تعبئة الإنترنت {{{service}}} بقيمة {{{amount}}} جاهزة.
            {{#hasCode}}
            رمز البطاقة: {{{code}}}
            {{/hasCode}}
            {{#link}}
            اعرض رمز البطاقة عبر هذا الرابط: {{{link}}}
            {{#linkExpires}}
            تنتهي صلاحية الرابط في {{{linkExpires}}}.
            {{/linkExpires}}
            {{/link}}
            الحالة: {{{status}}}
            رقم المعاملة: {{{transactionNumber}}}
            تاريخ المعالجة: {{{processedDate}}}
            الخط: {{{number}}}

            طريقة الاستعمال:
            \(steps)
            {{#hasCode}}احتفظ بهذا الرمز لنفسك: من يعرفه يستطيع استعماله.{{/hasCode}}{{#link}}هذا الرابط يعرض بطاقتك: لا تُعِد توجيه هذه الرسالة إلى أحد.{{/link}}
            {{#support}}للمساعدة: {{{support}}}
            {{/support}}
            """,
        cardHTML: EmailLayout.card(
            lang: "ar", dir: "rtl",
            words: .init(
                heading: "بطاقة تعبئة الإنترنت <bdi dir=\"ltr\">{{service}}</bdi> بقيمة {{amount}} جاهزة",
                code: "رمز البطاقة",
                showCode: "اعرض رمز البطاقة", value: "القيمة", status: "الحالة", line: "الخط",
                transaction: "رقم المعاملة", processed: "تاريخ المعالجة", steps: "طريقة الاستعمال",
                keep: "احتفظ بهذا الرمز لنفسك: من يعرفه يستطيع استعماله.",
                linkKeep: "هذا الرابط يعرض بطاقتك: لا تُعِد توجيه هذه الرسالة إلى أحد.",
                expires: "تنتهي صلاحية الرابط في",
                help: "للمساعدة:", soldBy: "البائع:")),
        cardSMS:
            "{{#shop}}{{{shop}}}: {{/shop}}بطاقة \u{2066}{{{service}}}\u{2069} {{{amount}}}: \u{2066}{{{code}}}\u{2069}\nمعاملة \u{2066}{{{transactionNumber}}}\u{2069}\n\u{2066}*600#\u{2069} ثم تعبئة وأدخل الرمز. لا تشاركه",
        refundSubject: "{{#shop}}{{{shop}}}: {{/shop}}تعذّر تنفيذ طلبك",
        refundText:
            "{{#shop}}{{{shop}}}\n{{/shop}}نعتذر، تعذّر تنفيذ طلب تعبئة الإنترنت {{{service}}} للخط {{{number}}}. أُلغي الطلب وأُعيد مبلغه إلى رصيد المتجر لا إليك: يرجى التواصل مع المتجر ليرتّب معك استرداد المبلغ.{{#support}}\nللمساعدة: {{{support}}}{{/support}}",
        refundHTML: EmailLayout.notice(
            lang: "ar", dir: "rtl", heading: "تعذّر تنفيذ طلبك",
            body:
                "نعتذر، تعذّر تنفيذ طلب تعبئة الإنترنت <bdi dir=\"ltr\">{{service}}</bdi> للخط <bdi dir=\"ltr\">{{number}}</bdi>. أُلغي الطلب وأُعيد مبلغه إلى رصيد المتجر لا إليك: يرجى التواصل مع المتجر ليرتّب معك استرداد المبلغ.",
            help: "للمساعدة:"),
        refundSMS:
            "{{#shop}}{{{shop}}}: {{/shop}}تعذّر تنفيذ طلب تعبئة \u{2066}{{{service}}}\u{2069} للخط \u{2066}{{{number}}}\u{2069}. أُعيد المبلغ إلى المتجر: تواصل معه لاسترداده.",
        queuedSubject: "{{#shop}}{{{shop}}}: {{/shop}}طلبك قيد الانتظار",
        queuedText:
            "طلب تعبئة الإنترنت {{{service}}} للخط {{{number}}} قيد الانتظار لدى المتعامل، وسيُنفَّذ خلال 12 إلى 48 ساعة.",
        queuedSMS:
            "{{#shop}}{{{shop}}}: {{/shop}}طلب تعبئة \u{2066}{{{service}}}\u{2069} للخط \u{2066}{{{number}}}\u{2069} قيد الانتظار، سيُنفَّذ خلال 12 إلى 48 ساعة."
    )

    static let french = MessageWording.Source(
        cardSubject: "{{#shop}}{{{shop}}} : {{/shop}}Votre carte de recharge Internet {{{service}}}",
        cardText: """
            {{#shop}}{{{shop}}}
            {{/shop}}Votre carte de recharge Internet {{{service}}} de {{{amount}}} est prête.
            {{#hasCode}}
            Code de la carte : {{{code}}}
            {{/hasCode}}
            {{#link}}
            Affichez le code de la carte ici : {{{link}}}
            {{#linkExpires}}
            Ce lien expire le {{{linkExpires}}}.
            {{/linkExpires}}
            {{/link}}
            Statut : {{{status}}}
            N° de transaction : {{{transactionNumber}}}
            Date de traitement : {{{processedDate}}}
            Ligne : {{{number}}}

            Mode d'emploi :
            \(steps)
            {{#hasCode}}Gardez ce code pour vous : quiconque le connaît peut l'utiliser.{{/hasCode}}{{#link}}Ce lien affiche votre carte : ne transférez pas cet e-mail.{{/link}}
            {{#support}}Besoin d'aide ? {{{support}}}
            {{/support}}
            """,
        cardHTML: EmailLayout.card(
            lang: "fr", dir: "ltr",
            words: .init(
                heading: "Votre carte de recharge Internet {{service}} de {{amount}} est prête",
                code: "Code de la carte", showCode: "Afficher le code de la carte", value: "Valeur", status: "Statut",
                line: "Ligne", transaction: "N° de transaction", processed: "Date de traitement",
                steps: "Mode d'emploi", keep: "Gardez ce code pour vous : quiconque le connaît peut l'utiliser.",
                linkKeep: "Ce lien affiche votre carte : ne transférez pas cet e-mail.", expires: "Ce lien expire le",
                help: "Besoin d'aide ?", soldBy: "Vendu par")),
        cardSMS:
            "{{#shop}}{{{shop}}}: {{/shop}}Carte {{{service}}} {{{amount}}}: {{{code}}}\nTrans. {{{transactionNumber}}}\nComposez *600#, Recharger, saisissez le code. Aide: 3003. Code strictement personnel.",
        refundSubject: "{{#shop}}{{{shop}}} : {{/shop}}Votre commande n'a pas pu être effectuée",
        refundText:
            "{{#shop}}{{{shop}}}\n{{/shop}}Désolés, la recharge Internet {{{service}}} de la ligne {{{number}}} n'a pas pu être effectuée. La commande est annulée et son montant a été recrédité à la boutique, pas à vous : contactez la boutique pour convenir de votre remboursement.{{#support}}\nBesoin d'aide ? {{{support}}}{{/support}}",
        refundHTML: EmailLayout.notice(
            lang: "fr", dir: "ltr", heading: "Votre commande n'a pas pu être effectuée",
            body:
                "Désolés, la recharge Internet {{service}} de la ligne {{number}} n'a pas pu être effectuée. La commande est annulée et son montant a été recrédité à la boutique, pas à vous : contactez la boutique pour convenir de votre remboursement.",
            help: "Besoin d'aide ?"),
        refundSMS:
            "{{#shop}}{{{shop}}}: {{/shop}}Recharge {{{service}}} de la ligne {{{number}}} impossible. Montant recredite a la boutique, pas a vous: contactez-la pour votre remboursement.",
        queuedSubject: "{{#shop}}{{{shop}}} : {{/shop}}Votre commande est en attente",
        queuedText:
            "La recharge Internet {{{service}}} de la ligne {{{number}}} est en attente chez l'opérateur ; elle sera effectuée sous 12 à 48 heures.",
        queuedSMS:
            "{{#shop}}{{{shop}}}: {{/shop}}Recharge {{{service}}} de la ligne {{{number}}} en attente: effectuee sous 12 a 48 h."
    )

    static let english = MessageWording.Source(
        cardSubject: "{{#shop}}{{{shop}}}: {{/shop}}Your {{{service}}} internet recharge card",
        cardText: """
            {{#shop}}{{{shop}}}
            {{/shop}}Your {{{amount}}} {{{service}}} internet recharge card is ready.
            {{#hasCode}}
            Card code: {{{code}}}
            {{/hasCode}}
            {{#link}}
            Show the card code here: {{{link}}}
            {{#linkExpires}}
            The link expires on {{{linkExpires}}}.
            {{/linkExpires}}
            {{/link}}
            Status: {{{status}}}
            Transaction number: {{{transactionNumber}}}
            Processing date: {{{processedDate}}}
            Line: {{{number}}}

            How to use it:
            \(steps)
            {{#hasCode}}Keep this code to yourself: anyone who knows it can use it.{{/hasCode}}{{#link}}This link shows your card: do not forward this email.{{/link}}
            {{#support}}Need help? {{{support}}}
            {{/support}}
            """,
        cardHTML: EmailLayout.card(
            lang: "en", dir: "ltr",
            words: .init(
                heading: "Your {{amount}} {{service}} internet recharge card is ready", code: "Card code",
                showCode: "Show the card code", value: "Value", status: "Status", line: "Line",
                transaction: "Transaction number", processed: "Processing date", steps: "How to use it",
                keep: "Keep this code to yourself: anyone who knows it can use it.",
                linkKeep: "This link shows your card: do not forward this email.", expires: "The link expires on",
                help: "Need help?",
                soldBy: "Sold by")),
        cardSMS:
            "{{#shop}}{{{shop}}}: {{/shop}}{{{service}}} card {{{amount}}}: {{{code}}}\nTrans. {{{transactionNumber}}}\nDial *600#, choose Recharge, enter the code. Help: 3003. Keep this code private.",
        refundSubject: "{{#shop}}{{{shop}}}: {{/shop}}Your order could not be completed",
        refundText:
            "{{#shop}}{{{shop}}}\n{{/shop}}Sorry, the {{{service}}} internet recharge of line {{{number}}} could not be completed. The order was cancelled and its amount was credited back to the shop, not to you: please contact the shop to arrange your refund.{{#support}}\nNeed help? {{{support}}}{{/support}}",
        refundHTML: EmailLayout.notice(
            lang: "en", dir: "ltr", heading: "Your order could not be completed",
            body:
                "Sorry, the {{service}} internet recharge of line {{number}} could not be completed. The order was cancelled and its amount was credited back to the shop, not to you: please contact the shop to arrange your refund.",
            help: "Need help?"),
        refundSMS:
            "{{#shop}}{{{shop}}}: {{/shop}}The {{{service}}} recharge of line {{{number}}} could not be completed. The shop was credited, not you: contact it to arrange your refund.",
        queuedSubject: "{{#shop}}{{{shop}}}: {{/shop}}Your order is queued",
        queuedText:
            "The {{{service}}} internet recharge of line {{{number}}} is queued at the operator and will be done within 12 to 48 hours.",
        queuedSMS:
            "{{#shop}}{{{shop}}}: {{/shop}}The {{{service}}} recharge of line {{{number}}} is queued: done within 12 to 48 hours."
    )
}
