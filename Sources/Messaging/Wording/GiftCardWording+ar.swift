extension GiftCardWording {
    // Every code, serial, number, link and product or type name sits between U+2066 and U+2069 (text,
    // SMS) or in <bdi dir="ltr"> (HTML): a code such as `X7-…#` or a name such as `PSN 1000 DA` is a
    // left-to-right run whose edges the bidi algorithm would otherwise scatter in a right-to-left line.
    // The shop's name may be Arabic or Latin, so it is isolated by its first strong letter (U+2068).
    // A one-card SMS with the partial note leaves out its "do not share" line: UCS-2 holds 134
    // characters in two segments, and the note matters more to a buyer missing cards.
    static let arabic = Source(
        cardsSubject:
            "{{#shop}}\u{2068}{{{shop}}}\u{2069}: {{/shop}}{{#single}}بطاقتك{{/single}}{{^single}}بطاقاتك{{/single}} \u{2066}{{{title}}}\u{2069}",
        cardsText: """
            {{#shop}}\u{2068}{{{shop}}}\u{2069}
            {{/shop}}{{#single}}بطاقتك \u{2066}{{{title}}}\u{2069} جاهزة.{{/single}}{{^single}}بطاقاتك \u{2066}{{{title}}}\u{2069} جاهزة.{{/single}}
            رقم الطلب: \u{2066}{{{ref}}}\u{2069}
            المنتج: \u{2066}{{{title}}}\u{2069}
            النوع: \u{2066}{{{typeName}}}\u{2069}
            الكمية: \u{2066}{{{quantity}}}\u{2069}
            {{#partialNote}}

            {{{partialNote}}}
            {{/partialNote}}
            {{#hasCodes}}

            {{#cards}}
            البطاقة \u{2066}{{{index}}}\u{2069}: الرمز \u{2066}{{{code}}}\u{2069}{{#hasSerial}}، الرقم التسلسلي \u{2066}{{{serial}}}\u{2069}{{/hasSerial}}
            {{/cards}}
            {{/hasCodes}}
            {{#link}}

            اعرض {{#single}}بطاقتك{{/single}}{{^single}}بطاقاتك{{/single}} عبر هذا الرابط: \u{2066}{{{link}}}\u{2069}
            {{#linkExpires}}
            تنتهي صلاحية الرابط في {{{linkExpires}}}.
            {{/linkExpires}}
            {{/link}}

            طريقة الاستعمال:
            {{#steps}}\u{2066}{{{index}}}\u{2069}. {{{text}}}
            {{/steps}}
            {{#hasCodes}}احتفظ برموزك لنفسك: من يعرف رمزًا يستطيع استعماله.{{/hasCodes}}{{#link}}هذا الرابط يعرض {{#single}}بطاقتك{{/single}}{{^single}}بطاقاتك{{/single}}: لا تُعِد توجيه هذه الرسالة إلى أحد.{{/link}}
            {{#support}}للمساعدة: \u{2066}{{{support}}}\u{2069}
            {{/support}}
            """,
        cardsHTML: GiftCardLayout.cards(
            lang: "ar", dir: "rtl",
            words: .init(
                heading:
                    "{{#single}}بطاقتك <bdi dir=\"ltr\">{{title}}</bdi> جاهزة{{/single}}{{^single}}بطاقاتك <bdi dir=\"ltr\">{{title}}</bdi> جاهزة{{/single}}",
                order: "رقم الطلب", product: "المنتج", type: "النوع", quantity: "الكمية", card: "البطاقة",
                serial: "الرقم التسلسلي", showCards: "اعرض {{#single}}بطاقتي{{/single}}{{^single}}بطاقاتي{{/single}}",
                expires: "تنتهي صلاحية الرابط في",
                steps: "طريقة الاستعمال", keep: "احتفظ برموزك لنفسك: من يعرف رمزًا يستطيع استعماله.",
                linkKeep:
                    "هذا الرابط يعرض {{#single}}بطاقتك{{/single}}{{^single}}بطاقاتك{{/single}}: لا تُعِد توجيه هذه الرسالة إلى أحد.",
                help: "للمساعدة:",
                soldBy: "البائع:")),
        cardsSMS:
            "{{#shop}}\u{2068}{{{shop}}}\u{2069}: {{/shop}}{{#hasCode}}بطاقة {{#title}}\u{2066}{{{title}}}\u{2069} {{/title}}\u{2066}{{{typeName}}}\u{2069}: \u{2066}{{{code}}}\u{2069}{{#hasSerial}}\nالرقم التسلسلي \u{2066}{{{serial}}}\u{2069}{{/hasSerial}}{{/hasCode}}{{^hasCode}}{{#single}}بطاقتك{{/single}}{{^single}}بطاقاتك (\u{2066}{{{count}}}\u{2069}){{/single}} {{#title}}\u{2066}{{{title}}}\u{2069} {{/title}}\u{2066}{{{typeName}}}\u{2069} جاهزة.{{#link}} الرابط: \u{2066}{{{link}}}\u{2069}{{#linkExpires}} (صالح حتى \u{2066}{{{linkExpires}}}\u{2069}){{/linkExpires}}{{/link}}{{#pointer}} تجدها في بريدك الإلكتروني أو في حسابك لدى المتجر.{{/pointer}}{{/hasCode}}{{#partialNote}}\n{{{partialNote}}}{{/partialNote}}{{#hasCode}}{{^partialNote}}\nلا تشارك الرمز مع أحد.{{/partialNote}}{{/hasCode}}",
        partialText:
            "البطاقات المسلَّمة: \u{2066}{{{delivered}}}\u{2069} من أصل \u{2066}{{{quantity}}}\u{2069}. تعذّر تسليم باقي الطلب، فأُلغي وأُعيد مبلغه إلى رصيد المتجر لا إليك: يرجى التواصل مع المتجر بشأن باقي طلبك.",
        partialHTML:
            "البطاقات المسلَّمة: <bdi dir=\"ltr\">{{delivered}}</bdi> من أصل <bdi dir=\"ltr\">{{quantity}}</bdi>. تعذّر تسليم باقي الطلب، فأُلغي وأُعيد مبلغه إلى رصيد المتجر لا إليك: يرجى التواصل مع المتجر بشأن باقي طلبك.",
        partialSMS:
            "سُلِّمت \u{2066}{{{delivered}}}\u{2069} من \u{2066}{{{quantity}}}\u{2069}، وأُعيد مبلغ الباقي إلى المتجر: تواصل معه.",
        refundSubject: "{{#shop}}\u{2068}{{{shop}}}\u{2069}: {{/shop}}تعذّر تنفيذ طلب بطاقاتك",
        refundText:
            "{{#shop}}\u{2068}{{{shop}}}\u{2069}\n{{/shop}}نعتذر، تعذّر تنفيذ طلبك رقم \u{2066}{{{ref}}}\u{2069} (\u{2066}{{{title}}}\u{2069}، \u{2066}{{{typeName}}}\u{2069}، الكمية \u{2066}{{{quantity}}}\u{2069}): لم تُسلَّم أي بطاقة. أُلغي الطلب وأُعيد مبلغه إلى رصيد المتجر لا إليك: يرجى التواصل مع المتجر ليرتّب معك استرداد المبلغ.{{#support}}\nللمساعدة: \u{2066}{{{support}}}\u{2069}{{/support}}",
        refundHTML: EmailLayout.notice(
            lang: "ar", dir: "rtl", heading: "تعذّر تنفيذ طلب بطاقاتك",
            body:
                "نعتذر، تعذّر تنفيذ طلبك رقم <bdi dir=\"ltr\">{{ref}}</bdi> (<bdi dir=\"ltr\">{{title}}</bdi>، <bdi dir=\"ltr\">{{typeName}}</bdi>، الكمية <bdi dir=\"ltr\">{{quantity}}</bdi>): لم تُسلَّم أي بطاقة. أُلغي الطلب وأُعيد مبلغه إلى رصيد المتجر لا إليك: يرجى التواصل مع المتجر ليرتّب معك استرداد المبلغ.",
            help: "للمساعدة:"),
        refundSMS:
            "{{#shop}}\u{2068}{{{shop}}}\u{2069}: {{/shop}}تعذّر تنفيذ الطلب \u{2066}{{{ref}}}\u{2069} (\u{2066}{{{typeName}}}\u{2069}). أُعيد المبلغ إلى المتجر: تواصل معه لاسترداده.",
        notPlacedSubject: "{{#shop}}\u{2068}{{{shop}}}\u{2069}: {{/shop}}لم يُقدَّم طلب بطاقاتك",
        notPlacedText:
            "{{#shop}}\u{2068}{{{shop}}}\u{2069}\n{{/shop}}تعذّر تقديم طلبك رقم \u{2066}{{{ref}}}\u{2069} (\u{2066}{{{title}}}\u{2069}، \u{2066}{{{typeName}}}\u{2069}، الكمية \u{2066}{{{quantity}}}\u{2069}): لم تُشترَ أي بطاقة. سيعيد المتجر تقديم الطلب أو يتواصل معك.{{#support}}\nللمساعدة: \u{2066}{{{support}}}\u{2069}{{/support}}",
        notPlacedHTML: EmailLayout.notice(
            lang: "ar", dir: "rtl", heading: "لم يُقدَّم طلب بطاقاتك",
            body:
                "تعذّر تقديم طلبك رقم <bdi dir=\"ltr\">{{ref}}</bdi> (<bdi dir=\"ltr\">{{title}}</bdi>، <bdi dir=\"ltr\">{{typeName}}</bdi>، الكمية <bdi dir=\"ltr\">{{quantity}}</bdi>): لم تُشترَ أي بطاقة. سيعيد المتجر تقديم الطلب أو يتواصل معك.",
            help: "للمساعدة:"),
        notPlacedSMS:
            "{{#shop}}\u{2068}{{{shop}}}\u{2069}: {{/shop}}لم يُقدَّم الطلب \u{2066}{{{ref}}}\u{2069} (\u{2066}{{{typeName}}}\u{2069}): لم تُشترَ أي بطاقة. سيعيد المتجر تقديمه أو يتواصل معك."
    )
}
